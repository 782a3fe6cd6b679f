"""Survey scales and scoring rubrics as plain data: checking them and scoring with them.

No Django here: lists and numbers in, messages and decimals out. A survey scale is a list of
[label, score] pairs, best first (e.g. [["满意", 1], ["基本满意", 0.5], ["不满意", 0]]); a rubric
is a list of [item, maximum points] pairs whose maxima add up to the rubric's total.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from xuncha.text._i18n import gettext_noop

HUNDREDTH = Decimal("0.01")


def to_decimal(value: Any) -> Decimal | None:
    """A number as a Decimal (floats through their shortest text), or None when not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float | str):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def same(message: str) -> str:
    """No translation: the message as marked (the Chinese msgid)."""
    return message


# The messages a user sees are marked for translation and passed through ``translate``: the
# Django side gives its ``gettext`` (this module stays free of Django).
Translate = Callable[[str], str]


def _pairs_problems(pairs: Any, what: str, number_name: str, translate: Translate) -> list[str]:
    """``what`` and ``number_name`` name the pairs and their numbers, already translated."""
    named = {"what": what, "number": number_name}
    if not isinstance(pairs, list) or not pairs:
        return [translate(gettext_noop("%(what)s不能为空，格式为[[名称, %(number)s], …]")) % named]
    problems: list[str] = []
    seen: set[str] = set()
    for position, pair in enumerate(pairs, start=1):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            message = translate(gettext_noop("%(what)s第%(position)s项应为[名称, %(number)s]"))
            problems.append(message % (named | {"position": position}))
            continue
        name, number = pair
        name = str(name).strip() if name is not None else ""
        if not name:
            message = translate(gettext_noop("%(what)s第%(position)s项的名称为空"))
            problems.append(message % (named | {"position": position}))
        elif name in seen:
            message = translate(gettext_noop("%(what)s中“%(name)s”重复"))
            problems.append(message % (named | {"name": name}))
        seen.add(name)
        amount = to_decimal(number)
        if amount is None or amount < 0:
            message = translate(gettext_noop("%(what)s“%(name)s”的%(number)s应为不小于0的数"))
            problems.append(message % (named | {"name": name}))
    return problems


def scale_problems(scale: Any, translate: Translate = same) -> list[str]:
    """What is wrong with a survey scale (empty when it is usable)."""
    problems = _pairs_problems(
        scale, translate(gettext_noop("选项")), translate(gettext_noop("分值")), translate
    )
    if not problems and any((to_decimal(score) or 0) > 1 for _label, score in scale):
        problems.append(translate(gettext_noop("选项分值应在0到1之间（1表示满意，0表示不满意）")))
    return problems


def questions_problems(questions: Any, translate: Translate = same) -> list[str]:
    """What is wrong with a survey's list of questions (empty when it is usable)."""
    if not isinstance(questions, list) or not questions:
        return [translate(gettext_noop("题目不能为空"))]
    problems: list[str] = []
    seen: set[str] = set()
    for position, question in enumerate(questions, start=1):
        text = str(question).strip() if isinstance(question, str) else ""
        if not text:
            message = translate(gettext_noop("第%(position)s题为空"))
            problems.append(message % {"position": position})
        elif text in seen:
            problems.append(translate(gettext_noop("题目“%(text)s”重复")) % {"text": text})
        seen.add(text)
    return problems


def scale_scores(scale: Sequence[Sequence[Any]]) -> dict[str, Decimal]:
    """{label: score} of a scale already checked by :func:`scale_problems`."""
    return {str(label).strip(): to_decimal(score) or Decimal(0) for label, score in scale}


def normalise_answer(value: Any) -> str:
    """A cell or typed answer as text: trimmed, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def answer_problem(answer: str, scores: Mapping[str, Decimal], translate: Translate = same) -> str:
    """Why ``answer`` is not an option of the scale ("" when it is, or when left blank)."""
    if not answer or answer in scores:
        return ""
    options = translate(gettext_noop("、")).join(scores)
    message = translate(gettext_noop("“%(answer)s”不是有效选项（可选：%(options)s）"))
    return message % {"answer": answer, "options": options}


def answers_problems(
    answers: Sequence[Any],
    questions: Sequence[str],
    scores: Mapping[str, Decimal],
    where: str,
    translate: Translate = same,
) -> list[str]:
    """What is wrong with one respondent's answers; ``where`` names them (e.g. "第2份答卷")."""
    if len(answers) != len(questions):
        message = translate(gettext_noop("%(where)s应有%(expected)s个回答，实有%(found)s个"))
        return [message % {"where": where, "expected": len(questions), "found": len(answers)}]
    problems = []
    for number, (question, answer) in enumerate(zip(questions, answers, strict=True), start=1):
        problem = answer_problem(normalise_answer(answer), scores, translate)
        if problem:
            message = translate(gettext_noop("%(where)s第%(number)s题“%(question)s”：%(problem)s"))
            problems.append(
                message
                % {"where": where, "number": number, "question": question, "problem": problem}
            )
    if all(not normalise_answer(answer) for answer in answers):
        problems.append(translate(gettext_noop("%(where)s没有任何回答")) % {"where": where})
    return problems


def percentage(values: Iterable[Decimal]) -> Decimal | None:
    """The mean of scores between 0 and 1, as a percentage to two places (None when empty)."""
    total = Decimal(0)
    count = 0
    for value in values:
        total += value
        count += 1
    if count == 0:
        return None
    return (total * 100 / count).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def rubric_problems(items: Any, total: int, passing: int, translate: Translate = same) -> list[str]:
    """What is wrong with a rubric (empty when it is usable)."""
    problems = _pairs_problems(
        items, translate(gettext_noop("评分项")), translate(gettext_noop("分值")), translate
    )
    if not problems:
        maxima = sum((to_decimal(points) or Decimal(0) for _name, points in items), Decimal(0))
        if maxima != total:
            message = translate(gettext_noop("各评分项分值之和为%(maxima)s，与满分%(total)s不符"))
            problems.append(message % {"maxima": maxima, "total": total})
    if passing > total:
        message = translate(gettext_noop("合格分%(passing)s高于满分%(total)s"))
        problems.append(message % {"passing": passing, "total": total})
    return problems


def rubric_maxima(items: Sequence[Sequence[Any]]) -> dict[str, Decimal]:
    """{item: maximum points} of a rubric already checked by :func:`rubric_problems`."""
    return {str(name).strip(): to_decimal(points) or Decimal(0) for name, points in items}


def score_problems(
    item_scores: Mapping[str, Any], maxima: Mapping[str, Decimal], translate: Translate = same
) -> list[str]:
    """What is wrong with the points given per item against the rubric's maxima."""
    unknown = translate(gettext_noop("“%(name)s”不是评分标准中的评分项"))
    problems = [unknown % {"name": name} for name in item_scores if name not in maxima]
    for name, maximum in maxima.items():
        if name not in item_scores:
            problems.append(translate(gettext_noop("缺少评分项“%(name)s”的得分")) % {"name": name})
            continue
        points = to_decimal(item_scores[name])
        given = {"name": name, "points": points, "maximum": maximum}
        if points is None:
            given["points"] = item_scores[name]
            problems.append(translate(gettext_noop("“%(name)s”的得分“%(points)s”不是数字")) % given)
        elif points < 0 or points > maximum:
            message = translate(gettext_noop("“%(name)s”的得分%(points)s应在0到%(maximum)s之间"))
            problems.append(message % given)
        elif points != points.quantize(HUNDREDTH):
            message = translate(gettext_noop("“%(name)s”的得分%(points)s最多保留两位小数"))
            problems.append(message % given)
    return problems


__all__ = [
    "answer_problem",
    "answers_problems",
    "normalise_answer",
    "percentage",
    "questions_problems",
    "rubric_maxima",
    "rubric_problems",
    "scale_problems",
    "scale_scores",
    "score_problems",
    "to_decimal",
]
