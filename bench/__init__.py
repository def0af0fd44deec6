"""Benchmarks and long fuzz campaigns, run by hand: one module per command (`python -m bench.run`,
`bench.understanding`, `bench.crash`, `bench.names_cost`, `bench.fuzz`; `bench.fakeserver` is started by
`bench.run`), and the fuzz campaigns themselves in `bench.fuzzing`. What the tests share with them is in `testkit`."""
