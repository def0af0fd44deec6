"""The fuzz campaigns that `python -m bench.fuzz` runs: `harness` (what they share; it imports no campaign), one
module per campaign (`messages`, `jsonl`, `files`, `state`, `kill`, `flood`), the chat traffic whose replies can be
read back in order (`traffic`, for `flood` and `python -m bench.soak`), the generated inputs (`inputs`) and
`child`, the entry point of the subprocesses that run what is fuzzed."""
