from sinbin_models.deep_input import DeepInputConfig, SpecialIds, build_ids

SP = SpecialIds(pad=0, cls=2, sep=3, self_=5, other=6)
CFG = DeepInputConfig(max_len=12, message_max=4, line_max=3, context_lines=3)


def test_layout_matches_the_ts_unit_test():
    ids, types = build_ids([10, 11], [(False, [20]), (True, [21, 22]), (False, [23, 24, 25, 26])], SP, CFG)
    assert ids == [2, 10, 11, 3, 5, 21, 22, 6, 23, 24, 25, 3]
    assert types == [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]


def test_no_context_part_without_context():
    assert build_ids([10], [], SP, CFG) == ([2, 10, 3], [0, 0, 0])


def test_message_truncated_and_budget_respected():
    ids, types = build_ids(list(range(100, 120)), [(True, list(range(30, 40)))] * 10, SP, CFG)
    assert len(ids) <= CFG.max_len and len(ids) == len(types)
    assert ids[:6] == [2, 100, 101, 102, 103, 3]
    assert ids[-1] == 3


def test_context_lines_limit_keeps_newest():
    ctx = [(False, [40 + i]) for i in range(10)]
    ids, _ = build_ids([10], ctx, SP, DeepInputConfig(max_len=64, message_max=4, line_max=3, context_lines=2))
    assert ids == [2, 10, 3, 6, 48, 6, 49, 3]


def test_zero_context_lines_means_no_context():
    cfg = DeepInputConfig(max_len=64, message_max=4, line_max=3, context_lines=0)
    assert build_ids([10], [(True, [40]), (False, [41])], SP, cfg) == ([2, 10, 3], [0, 0, 0])
