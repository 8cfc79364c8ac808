"""``commsim calibrate``: fit uncertain parameters to a community's real history."""
