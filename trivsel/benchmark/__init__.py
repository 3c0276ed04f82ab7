"""What `make bench` measures against: a floor page, registered only when BENCHMARK is on."""
