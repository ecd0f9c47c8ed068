"""Side-by-side measurements of jsm against nats-py; run a module, e.g. python -m bench.publish."""
