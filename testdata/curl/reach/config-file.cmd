# -K: the options in a curl config file (req.cfg: url, header, data).
curl -K req.cfg
