from sinbin_models.deep_input import DeepInputConfig, SpecialIds, build_ids, build_windows, max_by_owner, message_windows

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


# The same table as tests/unit/scoring/transformer-deep.test.ts ("message windows").
WINDOW_TABLE = [
    # (tokens, size, stride, max_windows, starts)
    (0, 4, 2, 8, [0]),
    (4, 4, 2, 8, [0]),  # fits: one window
    (5, 4, 2, 8, [0, 1]),  # the last window ends with the message
    (10, 4, 2, 8, [0, 2, 4, 6]),
    (11, 4, 2, 8, [0, 2, 4, 6, 7]),
    (100, 4, 2, 8, [0, 13, 27, 41, 54, 68, 82, 96]),  # too many: spread evenly, first and last kept
    (10, 4, 0, 8, [0]),  # no stride: cut after `size` tokens (models before windows)
    (10, 4, 2, 1, [0]),
    (10, 4, 4, 8, [0, 4, 6]),
]


def test_message_windows_table():
    for n, size, stride, max_windows, starts in WINDOW_TABLE:
        assert message_windows(n, size, stride, max_windows) == starts, (n, size, stride, max_windows)


def test_windows_cover_every_token_while_under_the_cap():
    for n in range(1, 60):
        starts = message_windows(n, 4, 3, 100)
        covered = {i for s in starts for i in range(s, min(s + 4, n))}
        assert covered == set(range(n)) and all(s + 4 <= max(n, 4) for s in starts)


def test_build_windows_gives_each_window_the_context():
    cfg = DeepInputConfig(max_len=12, message_max=4, line_max=3, context_lines=3, window_stride=2, max_windows=8)
    seqs = build_windows([10, 11, 12, 13, 14], [(True, [40])], SP, cfg)
    assert seqs == [([2, 10, 11, 12, 13, 3, 5, 40, 3], [0] * 6 + [1] * 3), ([2, 11, 12, 13, 14, 3, 5, 40, 3], [0] * 6 + [1] * 3)]
    assert build_windows([10, 11, 12, 13, 14], [], SP, CFG) == [build_ids([10, 11, 12, 13, 14], [], SP, CFG)]


def test_input_config_json_round_trip():
    windowed = DeepInputConfig(64, 48, 12, 0, 24, 16)
    assert windowed.to_json() == {'maxLen': 64, 'messageMax': 48, 'lineMax': 12, 'contextLines': 0, 'windowStride': 24, 'maxWindows': 16}
    assert DeepInputConfig.from_json(windowed.to_json()) == windowed
    assert 'windowStride' not in CFG.to_json() and DeepInputConfig.from_json(CFG.to_json()) == CFG


def test_max_by_owner():
    import numpy as np
    values = np.array([[1.0, -2.0], [3.0, -5.0], [0.5, 0.5]], dtype=np.float32)
    assert max_by_owner(values, np.array([0, 0, 1]), 2).tolist() == [[3.0, -2.0], [0.5, 0.5]]
