// The web dashboard (Hummingbird).
