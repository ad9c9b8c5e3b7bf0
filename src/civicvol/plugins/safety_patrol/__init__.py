"""安全小红帽 (联盟街道 金星社区): the residents' safety patrol, since 2018.

Members of the patrol team inspect courtyards; each hazard found is fixed on the spot or
given a rectification deadline, and a re-inspection closes it (or finds it still open);
hazards past their deadline and not closed are overdue. Safety lectures and drills (flood,
fire, evacuation, disaster-medicine training) are logged.

Registered in the entry-point group ``civicvol`` as ``safety-patrol``, like any plug-in.
"""
