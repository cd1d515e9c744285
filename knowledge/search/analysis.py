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


# More statutory terms for jieba (a dictionary of the words the statutes are written in). At most
# four characters: search mode emits only the 2- and 3-character parts of a longer word, so a
# longer entry would hide its four-character compounds (解除劳动合同 would hide 劳动合同).
LEGAL_WORDS += [
    "劳动报酬",
    "工伤保险",
    "医疗期",
    "侵权责任",
    "损害赔偿",
    "人身损害",
    "监护人",
    "继承人",
    "遗嘱",
    "遗产",
    "抵押权",
    "质权",
    "留置权",
    "所有权",
    "用益物权",
    "担保物权",
    "相邻关系",
    "保证人",
    "保证责任",
    "一般保证",
    "赠与合同",
    "赠与人",
    "受赠人",
    "出卖人",
    "买受人",
    "出租人",
    "承租人",
    "借款人",
    "贷款人",
    "委托合同",
    "中介合同",
    "合伙合同",
    "代位权",
    "撤销权",
    "合同解除",
    "要约",
    "承诺",
    "缔约过失",
    "注册商标",
    "著作权人",
    "作品",
    "专利权",
    "职务作品",
    "行政机关",
    "人民法院",
]

# Words people use in questions for what statutes call otherwise. Applied to the question only
# (never to indexed text), by knowledge.search.ranking.expand_query.
COLLOQUIAL_TO_STATUTORY = {
    "老板": ["用人单位"],
    "单位": ["用人单位"],
    "公司让我走": ["解除劳动合同"],
    "让我走人": ["解除劳动合同"],
    "走人": ["解除劳动合同"],
    "辞退": ["解除劳动合同", "用人单位"],
    "开除": ["解除劳动合同", "用人单位"],
    "炒鱿鱼": ["解除劳动合同", "用人单位"],
    "裁员": ["解除劳动合同", "经济性裁员"],
    "辞职": ["劳动者", "解除劳动合同"],
    "离职": ["劳动者", "解除劳动合同"],
    "跳槽": ["劳动者", "解除劳动合同", "竞业限制"],
    "员工": ["劳动者"],
    "工人": ["劳动者"],
    "打工": ["劳动者"],
    "职工": ["劳动者"],
    "工资": ["劳动报酬"],
    "薪水": ["劳动报酬"],
    "薪资": ["劳动报酬"],
    "不发工资": ["劳动报酬", "拖欠"],
    "欠薪": ["劳动报酬", "拖欠"],
    "补偿金": ["经济补偿"],
    "赔偿金": ["赔偿", "经济补偿"],
    "加班": ["延长工作时间"],
    "合同工": ["劳动合同"],
    "上班受伤": ["工伤"],
    "干活受伤": ["工伤"],
    "受伤": ["人身损害", "侵权责任"],
    "五险一金": ["社会保险", "公积金"],
    "社保": ["社会保险"],
    "年假": ["带薪年休假"],
    "病假": ["医疗期"],
    "欠钱": ["借款", "债务"],
    "欠款": ["债务", "借款"],
    "借钱": ["借款"],
    "借给": ["借款"],
    "借条": ["借款", "债务"],
    "欠条": ["债务"],
    "还钱": ["清偿", "债务", "借款"],
    "不还": ["清偿", "债务"],
    "讨债": ["债权人", "债务"],
    "要债": ["债权人", "债务"],
    "利息": ["借款", "利率"],
    "担保人": ["保证人", "保证"],
    "作保": ["保证人", "保证"],
    "押金": ["定金", "担保"],
    "订金": ["定金"],
    "毁约": ["违约责任", "合同解除"],
    "违约": ["违约责任"],
    "退货": ["买受人", "退货"],
    "房东": ["出租人"],
    "租客": ["承租人"],
    "房客": ["承租人"],
    "租房": ["租赁合同"],
    "买房": ["买卖合同"],
    "卖家": ["出卖人"],
    "买家": ["买受人"],
    "邻居": ["相邻关系", "不动产"],
    "房子": ["房屋", "不动产"],
    "房产": ["房屋", "不动产"],
    "老公": ["夫妻", "配偶"],
    "老婆": ["夫妻", "配偶"],
    "丈夫": ["夫妻", "配偶"],
    "妻子": ["夫妻", "配偶"],
    "离婚": ["离婚", "夫妻共同财产"],
    "孩子": ["子女", "未成年人"],
    "小孩": ["子女", "未成年人"],
    "父母": ["父母", "监护人"],
    "遗产": ["继承", "遗产"],
    "去世": ["死亡", "继承"],
    "死后": ["死亡", "继承"],
    "送给": ["赠与"],
    "赠送": ["赠与"],
    "撞了": ["侵权责任", "损害"],
    "车祸": ["机动车", "交通事故", "侵权责任"],
    "被狗咬": ["饲养的动物", "损害"],
    "宠物": ["饲养的动物"],
    "小区": ["物业服务", "业主"],
    "物业费": ["物业服务", "业主"],
    "盗版": ["著作权", "侵权"],
    "抄袭": ["著作权", "侵权"],
    "山寨": ["商标", "侵权"],
    "冒牌": ["商标", "侵权"],
    "牌子": ["商标"],
    "发明": ["专利"],
    "照片": ["肖像"],
    "隐私": ["隐私权", "个人信息"],
    "被骗": ["欺诈"],
    "骗": ["欺诈"],
    "吃亏": ["显失公平"],
    "包工头": ["实际施工人", "承包人"],
    "工程款": ["工程价款", "建设工程"],
    "老赖": ["失信被执行人", "强制执行"],
    "打官司": ["诉讼", "人民法院"],
    "起诉": ["诉讼", "人民法院"],
    "告他": ["诉讼", "人民法院"],
    "罚款": ["行政处罚", "罚款"],
    "执照": ["营业执照", "登记"],
    "注销": ["注销登记"],
    "倒闭": ["破产", "清算"],
    "股东": ["股东", "出资"],
    "合伙": ["合伙企业", "合伙人"],
}

# Question phrasing that says nothing about the subject; left out when comparing wording.
QUESTION_WORDS = [
    "怎么办",
    "怎么样",
    "怎么",
    "如何",
    "是否",
    "能否",
    "可否",
    "可以",
    "什么",
    "哪些",
    "为什么",
    "多少",
    "需要",
    "应该",
    "有没有",
    "请问",
    "吗",
    "呢",
    "谁",
    "我",
]


initialize()
