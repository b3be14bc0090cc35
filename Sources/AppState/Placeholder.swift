// AppState
