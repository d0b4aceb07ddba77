"""Running and measuring one case: the timed operation, the metrics beside its time (requests,
bytes, peak memory, floors), the conditions it runs under, and the numpy oracle that checks it."""
