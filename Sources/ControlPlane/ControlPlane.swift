// The control API (Unix socket) that ps/restart/stop/start use.
