"""学雷锋志愿理发队: free haircuts on the last working day of every month (plug-in
``haircut-days``)."""
