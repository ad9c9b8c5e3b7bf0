"""龙江爱心织女队: knitting drives for nursing homes and a village school (plug-in
``knitting-drives``)."""
