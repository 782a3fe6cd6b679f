"""The measure words (量词) a count may end in, and the words that make a count something else.

Private to :mod:`xuncha.text.quantities`. The list is a wide one on purpose: the classifiers of
a Chinese grammar's table (individual, collective, container and measure classifiers, verbal
classifiers such as 次 and 场), the units of measurement reports use (平方公里, 公顷, 小时 …),
compound counts (人次, 户次 …) and the nouns that reports count like classifiers (方面, 领域
is not one). Everything is in simplified characters: the finder reads a simplified copy of
traditional text.
"""

from __future__ import annotations

import re

# Compound counts and units of measurement, then the single-character classifiers. Matched
# longest first, so that 人次 wins over 人, 个月 over 个 and 平方公里 over 公里.
COMPOUND_WORDS: tuple[str, ...] = (
    # counts of events and people
    "人次", "户次", "件次", "家次", "场次", "架次", "批次", "车次", "班次", "频次", "期次",
    "条次", "项次", "个次", "人日", "课时", "学时", "个工作日", "工作日", "个月", "个百分点",
    "百分点", "周岁", "方面", "大类", "板块", "小时", "分钟", "星期", "季度",
    # area, length, weight, volume, energy
    "平方公里", "平方千米", "平方米", "立方米", "公顷", "公里", "千米", "厘米", "毫米",
    "公斤", "千克", "公吨", "万吨", "千瓦时", "千瓦", "兆瓦", "吨标准煤",
)  # fmt: skip
SINGLE_WORDS = (
    "个名人位次件项篇条期场家类所户套台辆起天日周年岁份本册轮栋幢座间张亩吨宗卷"
    "处批株棵种点级县区镇乡村省片块段道根支队组门课节首部幅封枚颗粒只头匹艘架列趟站层"
    "床把盏笔单例对双副群倍成米克升元箱袋瓶包盒桶罐车"
)
MEASURE_WORDS: tuple[str, ...] = (*COMPOUND_WORDS, *SINGLE_WORDS)
MEASURE_WORD = "|".join(sorted(MEASURE_WORDS, key=len, reverse=True))

# 一 before these is a count (给予一名干部诫勉谈话); before any other measure word it is an
# article (一个平台, 一套机制).
PERSON_WORDS = frozenset({"名", "人", "位", "人次"})

# After a number, a measure word that starts one of these words is part of the word, not a
# count's end: 3点30分 is a time, 5成立 is no count, 2天然 no count. Checked on the characters
# right after the measure word.
NOT_AFTER: dict[str, re.Pattern[str]] = {
    "点": re.compile("[0-9０-９零〇一二三四五六七八九十半多钟]"),
    "成": re.compile("[立为员果效本功绩熟年都交长型]"),
    "天": re.compile("[然地下津]"),
    "日": re.compile("[报志记常前后本照]"),
    "年": re.compile("[度级纪轻代华终]"),
    "元": re.compile("[素旦宵老帅首月]"),
    "级": re.compile("[别]"),
    "期": re.compile("[间限望待盼刊]"),
    "场": re.compile("[所地景合面馆]"),
    "道": re.compile("[路理德歉]"),
    "部": re.compile("[门署分长委]"),
    "处": re.compile("[理置分罚室长级]"),
    "队": re.compile("[伍员长]"),
    "组": re.compile("[织长成建]"),
    "门": re.compile("[户槛诊]"),
    "位": re.compile("[置于]"),
    "名": re.compile("[称单额义誉录]"),
    "家": re.compile("[庭属长乡园]"),
    "村": re.compile("[民庄委组级]"),
    "区": re.compile("[域别委]"),
    "县": re.compile("[委域级]"),
    "市": re.compile("[场委民级]"),
    "省": re.compile("[委级份]"),
    "镇": re.compile("[委级]"),
    "乡": re.compile("[村镇委]"),
    "单": re.compile("[位元独]"),
    "对": re.compile("[于照接象标口外话待应比]"),
    "首": re.compile("[次先批要位]"),
    "站": re.compile("[点长岗]"),
    "车": re.compile("[辆间站]"),
    "起": re.compile("[来草诉]"),
    "头": re.compile("[脑部条]"),
    "只": re.compile("[有是要能]"),
    "群": re.compile("[众体]"),
    "米": re.compile("[饭粮]"),
    "双": re.compile("[方向重]"),
    "副": re.compile("[主书局县市区科]"),
    "节": re.compile("[约日点能]"),
    "条": re.compile("[件例款]"),
    "周": re.compile("[边围年期末]"),
    "包": re.compile("[括含保干联]"),
    "笔": re.compile("[录试]"),
    "本": re.compile("[级地单职部市县区]"),
}
# Before these measure words a number in Chinese numerals is a name or a slogan, never a
# count: 四套班子, 三篇文章 (做好…文章), 二期工程 (a phase).
CHINESE_NAMED: dict[str, re.Pattern[str]] = {
    "套": re.compile("班子"),
    "篇": re.compile("文章"),
    "期": re.compile("工程|项目|、"),
    "点": re.compile("[一二三四五六七八九十]"),
}
# Numbered political formulas read like counts (两个责任, 四个意识) but are slogans.
SLOGAN_AFTER_GE = re.compile(
    "责任|维护|意识|自信|确立|表率|全面|代表|务必|一百年|伟大|必须|没有变|强化|坚持|聚焦|围绕"
)
# 九次全会 and 十次全会 number sessions of a committee.
SESSION_AFTER_CI = re.compile("全会|全体会议|党代会|代表大会")
