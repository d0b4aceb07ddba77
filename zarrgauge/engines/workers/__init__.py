"""Worker programs the out-of-process engines run under another interpreter; none imports zarrgauge."""
