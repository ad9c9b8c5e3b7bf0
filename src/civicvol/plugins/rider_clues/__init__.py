"""先锋骑手 (金实社区): delivery riders' snap reports, 发现→处置→反馈→激励.

A rider of the rider team reports a clue (飞线充电, 网络诈骗, 高空抛物, 餐饮不卫生, or a
category the community adds); a clue handler judges it valid, invalid or a duplicate, records
how it was handled and feeds back to the rider; a valid clue credits points under the
community's "积分兑" scheme through the core point accounts, redeemed at 蜂享驿站.

Registered in the entry-point group ``civicvol`` as ``rider-clues``, like any plug-in.
"""
