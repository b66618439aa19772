"""`make bench`: the sync measured end to end against the sandbox, beside the network's floor."""
