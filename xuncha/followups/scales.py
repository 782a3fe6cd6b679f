"""Survey scales and scoring rubrics as plain data: checking them and scoring with them.

No Django here: lists and numbers in, messages and decimals out. A survey scale is a list of
[label, score] pairs, best first (e.g. [["满意", 1], ["基本满意", 0.5], ["不满意", 0]]); a rubric
is a list of [item, maximum points] pairs whose maxima add up to the rubric's total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

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


def _pairs_problems(pairs: Any, what: str, number_name: str) -> list[str]:
    if not isinstance(pairs, list) or not pairs:
        return [f"{what}不能为空，格式为[[名称, {number_name}], …]"]
    problems: list[str] = []
    seen: set[str] = set()
    for position, pair in enumerate(pairs, start=1):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            problems.append(f"{what}第{position}项应为[名称, {number_name}]")
            continue
        name, number = pair
        name = str(name).strip() if name is not None else ""
        if not name:
            problems.append(f"{what}第{position}项的名称为空")
        elif name in seen:
            problems.append(f"{what}中“{name}”重复")
        seen.add(name)
        amount = to_decimal(number)
        if amount is None or amount < 0:
            problems.append(f"{what}“{name}”的{number_name}应为不小于0的数")
    return problems


def scale_problems(scale: Any) -> list[str]:
    """What is wrong with a survey scale (empty when it is usable)."""
    problems = _pairs_problems(scale, "选项", "分值")
    if not problems and any((to_decimal(score) or 0) > 1 for _label, score in scale):
        problems.append("选项分值应在0到1之间（1表示满意，0表示不满意）")
    return problems


def questions_problems(questions: Any) -> list[str]:
    """What is wrong with a survey's list of questions (empty when it is usable)."""
    if not isinstance(questions, list) or not questions:
        return ["题目不能为空"]
    problems: list[str] = []
    seen: set[str] = set()
    for position, question in enumerate(questions, start=1):
        text = str(question).strip() if isinstance(question, str) else ""
        if not text:
            problems.append(f"第{position}题为空")
        elif text in seen:
            problems.append(f"题目“{text}”重复")
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


def answer_problem(answer: str, scores: Mapping[str, Decimal]) -> str:
    """Why ``answer`` is not an option of the scale ("" when it is, or when left blank)."""
    if not answer or answer in scores:
        return ""
    return f"“{answer}”不是有效选项（可选：{'、'.join(scores)}）"


def answers_problems(
    answers: Sequence[Any], questions: Sequence[str], scores: Mapping[str, Decimal], where: str
) -> list[str]:
    """What is wrong with one respondent's answers; ``where`` names them (e.g. "第2份答卷")."""
    if len(answers) != len(questions):
        return [f"{where}应有{len(questions)}个回答，实有{len(answers)}个"]
    problems = []
    for number, (question, answer) in enumerate(zip(questions, answers, strict=True), start=1):
        problem = answer_problem(normalise_answer(answer), scores)
        if problem:
            problems.append(f"{where}第{number}题“{question}”：{problem}")
    if all(not normalise_answer(answer) for answer in answers):
        problems.append(f"{where}没有任何回答")
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


def rubric_problems(items: Any, total: int, passing: int) -> list[str]:
    """What is wrong with a rubric (empty when it is usable)."""
    problems = _pairs_problems(items, "评分项", "分值")
    if not problems:
        maxima = sum((to_decimal(points) or Decimal(0) for _name, points in items), Decimal(0))
        if maxima != total:
            problems.append(f"各评分项分值之和为{maxima}，与满分{total}不符")
    if passing > total:
        problems.append(f"合格分{passing}高于满分{total}")
    return problems


def rubric_maxima(items: Sequence[Sequence[Any]]) -> dict[str, Decimal]:
    """{item: maximum points} of a rubric already checked by :func:`rubric_problems`."""
    return {str(name).strip(): to_decimal(points) or Decimal(0) for name, points in items}


def score_problems(item_scores: Mapping[str, Any], maxima: Mapping[str, Decimal]) -> list[str]:
    """What is wrong with the points given per item against the rubric's maxima."""
    problems = [f"“{name}”不是评分标准中的评分项" for name in item_scores if name not in maxima]
    for name, maximum in maxima.items():
        if name not in item_scores:
            problems.append(f"缺少评分项“{name}”的得分")
            continue
        points = to_decimal(item_scores[name])
        if points is None:
            problems.append(f"“{name}”的得分“{item_scores[name]}”不是数字")
        elif points < 0 or points > maximum:
            problems.append(f"“{name}”的得分{points}应在0到{maximum}之间")
        elif points != points.quantize(HUNDREDTH):
            problems.append(f"“{name}”的得分{points}最多保留两位小数")
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
