"""A large digest in the seed's form, written by the project: as many units as asked, each with
problems whose measures state figures, money, people held to account and rules issued.

Used by the import benchmark (``bench/imports.py``) and by the tests that run an import while
other users work (tests/core/test_concurrency.py) or kill it half way (tests/core/test_kill.py).
No sentence of the seed is copied: the text is made from the form alone.
"""

from __future__ import annotations

import random

KINDS = ("局", "委员会办公室", "中心", "研究院", "管理处")
PLACES = ("东湖", "江岸", "汉阳", "青山", "洪山", "黄陂", "新洲", "蔡甸", "江夏", "硚口")
TOPICS = (
    "落实主体责任不够到位",
    "专项资金管理不够规范",
    "基层党组织建设存在短板",
    "干部队伍建设统筹不足",
    "作风建设仍有差距",
    "风险防控机制不够健全",
)
MEASURES = (
    "修订《{place}资金使用管理办法》，建立台账{n}本，整改问题{m}个",
    "清退违规发放补贴{money}万元，诫勉谈话{p}人，批评教育{q}人",
    "开展专题培训{n}场次，覆盖干部职工{m}人，完成率达到{pct}%",
    "新建制度{n}项，修订完善{m}项，形成长效机制",
)
NUMERALS = "一二三四五六七八九十"


def unit_name(number: int) -> str:
    """A unit's full name, distinct for every number."""
    place = PLACES[number % len(PLACES)]
    kind = KINDS[(number // len(PLACES)) % len(KINDS)]
    return f"市{place}第{number}{kind}"


def big_digest(units: int, *, problems_per_unit: int = 1, seed: int = 7) -> str:
    """The text of a digest of ``units`` units, ``problems_per_unit`` problems each."""
    rng = random.Random(seed)
    lines = [
        f"根据市委统一部署，3月上中旬，市委第一至第七巡察组对市委第九轮巡察的{units}家单位"
        f"整改落实情况进行了回访督查。现将{units}家单位巡察整改部分内容摘编如下。",
        "",
    ]
    for number in range(1, units + 1):
        lines += [unit_name(number), ""]
        for problem in range(problems_per_unit):
            topic = TOPICS[(number + problem) % len(TOPICS)]
            lines += [f"问题：{topic}", ""]
            parts = []
            for index in range(rng.randint(1, 3)):
                template = MEASURES[rng.randrange(len(MEASURES))]
                text = template.format(
                    place=PLACES[rng.randrange(len(PLACES))],
                    n=rng.randint(2, 40),
                    m=rng.randint(2, 300),
                    money=round(rng.uniform(0.5, 90), 1),
                    p=rng.randint(1, 9),
                    q=rng.randint(1, 20),
                    pct=rng.randint(80, 100),
                )
                parts.append(f"{NUMERALS[index]}是{text}。")
            lines += ["整改：" + "".join(parts), ""]
    return "\n".join(lines)
