"""The classifier's rules as named data: one module per intent or signal, each rule a `base.Rule` with its own
examples. `ALL` lists every rule; names are unique."""
