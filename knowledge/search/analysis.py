"""Text analysis for the index: jieba segmentation for Chinese, lower-casing and stemming for English."""

import logging
import os
import re

import jieba
from whoosh.analysis import LowercaseFilter, StemFilter, StopFilter, Token, Tokenizer
from whoosh.lang.porter import stem

jieba.setLogLevel(logging.WARNING)

# Function words that match almost every document and only slow OR-queries down.
CHINESE_STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "是",
        "在",
        "和",
        "与",
        "或",
        "及",
        "等",
        "之",
        "其",
        "对",
        "被",
        "由",
        "为",
        "以",
        "于",
        "把",
        "将",
        "也",
        "就",
        "都",
        "而",
        "并",
        "则",
        "这",
        "那",
        "吗",
        "呢",
        "吧",
        "啊",
        "么",
        "该",
    ]
)
ENGLISH_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "will",
        "with",
    ]
)
QUERY_JIEBA_MODE = os.environ.get("SEARCH_QUERY_JIEBA_MODE", "search")
_WORD = re.compile(r"\w", re.UNICODE)

# Legal terms jieba's general dictionary cuts apart; search mode still emits their parts.
LEGAL_WORDS = [
    "经济补偿",
    "经济补偿金",
    "违约金",
    "违约责任",
    "定金",
    "诉讼时效",
    "仲裁时效",
    "劳动仲裁",
    "劳动争议",
    "用人单位",
    "劳动者",
    "竞业限制",
    "试用期",
    "加班费",
    "工伤认定",
    "社会保险",
    "公积金",
    "无固定期限劳动合同",
    "连带责任",
    "不当得利",
    "工程款",
    "建设工程",
    "实际施工人",
    "发包人",
    "承包人",
    "分包",
    "转包",
    "优先受偿权",
    "股东会",
    "董事会",
    "监事会",
    "股权转让",
    "出资",
    "抽逃出资",
    "认缴",
    "实缴",
    "法定代表人",
    "商标侵权",
    "专利侵权",
    "著作权",
    "商业秘密",
    "行政处罚",
    "行政许可",
    "行政复议",
    "行政诉讼",
    "强制执行",
    "财产保全",
    "破产重整",
    "破产清算",
    "债权人",
    "债务人",
    "买卖合同",
    "借款合同",
    "租赁合同",
    "承揽合同",
    "保证合同",
    "格式条款",
    "不可抗力",
    "情势变更",
    "信用修复",
    "失信被执行人",
]


def initialize():
    """Build jieba's prefix dictionary now (about a second) instead of on the first query."""
    jieba.initialize()
    for word in LEGAL_WORDS:
        jieba.add_word(word, freq=2000)


initialize()


class JiebaTokenizer(Tokenizer):
    """jieba's search mode inside a Whoosh tokenizer, so positions and character offsets are right.

    Search mode emits both a compound (劳动合同) and its parts (劳动, 合同), so a document is found
    by either, whichever way jieba happened to cut the query.
    """

    def __eq__(self, other):
        return isinstance(other, JiebaTokenizer)

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        pos = start_pos
        # Documents get compounds and their parts; queries (mode "query") by default too,
        # QUERY_JIEBA_MODE = "default" gives fewer, longer query terms.
        jieba_mode = QUERY_JIEBA_MODE if mode == "query" else "search"
        for word, start, end in jieba.tokenize(value, mode=jieba_mode):
            if not _WORD.search(word):
                continue  # spaces and punctuation
            token.text = word
            if keeporiginal:
                token.original = word
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = pos
                pos += 1
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class _MixedStemFilter(StemFilter):
    """Porter-stem ASCII words only; Chinese words pass unchanged."""

    def __init__(self):
        super().__init__(stemfn=stem, cachesize=50000)

    def __call__(self, tokens):
        stemfn = self._stem
        for t in tokens:
            if not t.stopped and t.text.isascii():
                t.text = stemfn(t.text)
            yield t


def ChineseAnalyzer():  # noqa: N802  (Whoosh's naming for analyzer factories)
    return (
        JiebaTokenizer()
        | LowercaseFilter()
        | StopFilter(stoplist=CHINESE_STOP_WORDS | ENGLISH_STOP_WORDS, minsize=1)
        | _MixedStemFilter()
    )


def segment(text: str) -> list[str]:
    """The terms the index stores for text (used by the benchmark's FTS5 baseline)."""
    return [t.text for t in ChineseAnalyzer()(text)]
