"""Measure texts written for the tests of paper-only rectification: one measure, the same one
reworded slightly (as another unit would copy it), and measures of meetings only."""

COPIED = (
    "一是全面清理2013年以来违规发放的津补贴，逐人逐项核对发放依据；"
    "二是建立津补贴发放审批台账，由分管领导签字后执行。"
)
REWORDED = (
    "一是深入清理2013年以来违规发放的津补贴，逐人逐项核对发放的依据；"
    "二是建起津补贴发放审批台账，由单位分管领导签字后执行。"
)
MEETINGS = ("召开专题民主生活会，组织班子成员集中学习。", "组织开展警示教育，召开全体干部大会。")
