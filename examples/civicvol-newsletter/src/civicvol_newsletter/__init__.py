"""《龙江居民简报》: the residents' bulletin of 龙江编辑部, an external civicvol plug-in
(``newsletter``)."""
