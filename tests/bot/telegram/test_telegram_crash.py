"""kill -9 in the middle of a burst: the real bot in a subprocess, killed and started again (testkit/botprocess.py)."""

from __future__ import annotations

from testkit.botprocess import CONTEXT_CHATS, kill_mid_burst

CONCURRENT_UPDATES = 16


async def test_kill_9_mid_burst_loses_no_update_and_no_context(api, tmp_path):
    result = await kill_mid_burst(api, tmp_path, updates=300)
    assert result.answered_before_kill > 0 and result.fetched_unanswered_at_kill > 0, result  # killed mid-burst
    assert result.lost == 0, result
    assert result.contexts_lost == 0, result
    # the question log's rows are written in the transaction that marks their update answered: none lost, none
    # doubled (a question answered twice had its first row rolled back with its done-mark)
    assert result.log_rows_lost == 0 and result.log_rows_twice == 0, result
    # an answer already sent but not yet marked done when the process died is sent again: at most one per
    # update in flight, never more
    assert result.answered_twice <= CONCURRENT_UPDATES, result
    assert CONTEXT_CHATS > 0
