"""Object storage, below the harness: the S3 and Azure servers a run starts on 127.0.0.1, the proxy
that shapes the wire between clients and servers and breaks it on request, the clients under test,
and the bucket and container prefixes a run owns. It knows the catalogue's networks and stores,
and nothing of cases, timing or pytest's runs."""
