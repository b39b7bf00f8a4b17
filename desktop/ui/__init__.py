"""Qt widgets. They call services with the Database and the Actor; they never open a Session."""
