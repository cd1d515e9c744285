from portal.core.labels import distinct_labels


def test_a_shared_name_is_told_apart_by_its_hint_then_by_its_id():
    labels = distinct_labels(
        [(1, "张伟", "甲所"), (2, "张伟", "乙所"), (3, "李娜", "甲所"), (4, "王芳", "丙所"),
         (5, "王芳", "丙所")]
    )  # fmt: skip
    assert labels == {
        1: "张伟 (甲所)",
        2: "张伟 (乙所)",
        3: "李娜",
        4: "王芳 (#4)",
        5: "王芳 (#5)",
    }
