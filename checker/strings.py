"""Interface wording of the checker in both languages (no policy facts live here)."""

STRINGS = {
    "verdict.eligible": {"zh": "您的项目可能符合申报条件", "en": "Your project may be eligible"},
    "verdict.eligible_with_points_to_confirm": {
        "zh": "您的项目可能符合申报条件，但有几点需要确认",
        "en": "Your project may be eligible, but some points need confirming",
    },
    "verdict.not_eligible": {"zh": "按您的回答，项目不符合申报条件", "en": "From your answers, the project is not eligible"},
    "verdict.incomplete": {"zh": "还有问题没有回答", "en": "Some questions are not answered yet"},
    "outcome.pass": {"zh": "符合", "en": "Met"},
    "outcome.fail": {"zh": "不符合", "en": "Not met"},
    "outcome.unknown": {"zh": "待确认", "en": "To confirm"},
    "outcome.not_applicable": {"zh": "不适用", "en": "Does not apply"},
    "severity.blocks": {"zh": "必备条件", "en": "Requirement"},
    "severity.confirm": {"zh": "需确认", "en": "Point to confirm"},
    "severity.priority": {"zh": "优先条件", "en": "Priority condition"},
    "severity.info": {"zh": "提示", "en": "Information"},
    "tristate.yes": {"zh": "是", "en": "Yes"},
    "tristate.no": {"zh": "否", "en": "No"},
    "tristate.unsure": {"zh": "不确定", "en": "Not sure"},
    "answer.none": {"zh": "未回答", "en": "not answered"},
    "answer.yours": {"zh": "您的回答", "en": "Your answer"},
    "requirement": {"zh": "要求", "en": "Requirement"},
    "quota.exempt": {
        "zh": "按您的回答，申报主体的 DCMM 等级达到豁免要求，不占用推荐单位的指标数量。",
        "en": "From your answers, the applicant's DCMM level qualifies for the exemption: it does not count against the recommending unit's quota.",
    },
    "quota.counts": {
        "zh": "按您的回答，项目将占用推荐单位的 1 个指标。",
        "en": "From your answers, the project will use one place in the recommending unit's quota.",
    },
    "quota.unknown": {
        "zh": "DCMM 等级未回答，无法判断是否占用推荐单位的指标。",
        "en": "The DCMM level is not answered, so whether the project counts against the quota is unknown.",
    },
    "quota.of_unit": {"zh": "推荐单位指标", "en": "Recommending unit's quota"},
    "timeline.open": {"zh": "进行中", "en": "open"},
    "timeline.closed": {"zh": "已截止", "en": "closed"},
    "timeline.applicants_open": {
        "zh": "截至 {as_of}，申报主体仍可在申报系统填报（截止日期 {deadline}，含当日）。",
        "en": "As of {as_of}, applicants can still file in the application system (deadline {deadline}, the day itself included).",
    },
    "timeline.applicants_closed": {
        "zh": "截至 {as_of}，本批次申报已于 {deadline} 截止。您仍可用本工具自查，以了解要求。",
        "en": "As of {as_of}, this call closed to applicants on {deadline}. You can still use this self-check to understand the requirements.",
    },
    "disclaimer": {
        "zh": "这是非官方的自查工具，结果不是官方认定。请以通知原文为准，并通过申报系统和通知所列联系人办理。",
        "en": "This is an unofficial self-check, not an official decision. The notice is the authority; apply through the application system and ask the contacts it lists.",
    },
    "other.fits": {"zh": "按您的回答也可能符合", "en": "Your answers may also fit"},
    "other.needs_answers": {"zh": "可能符合，还需回答", "en": "Might fit; answer"},
    "other.none_fit": {
        "zh": "按您目前的回答，没有已知符合或只差一个问题就能判断的其他方向。",
        "en": "From your answers so far, no other direction is known to fit, or to be one answer away from fitting.",
    },
    "ignored.note": {
        "zh": "以下回答所属的问题在您的其他回答下不适用（例如属于另一个方向），本次判断没有使用它们：{questions}",
        "en": "These answers belong to questions that do not apply given your other answers (for example, another direction's), so this result does not use them: {questions}",
    },
    "list.sep": {"zh": "；", "en": "; "},
    "error.unknown_question": {
        "zh": "未知的问题“{question}”。可用的问题：{allowed}",
        "en": "Unknown question “{question}”. Known questions: {allowed}",
    },
    "error.unknown_option": {
        "zh": "问题“{question}”的回答“{value}”不是可选项。可选：{allowed}",
        "en": "“{value}” is not an option of question “{question}”. Allowed: {allowed}",
    },
    "error.exclusive_option": {
        "zh": "问题“{question}”的选项“{value}”不能与其他选项同时选择",
        "en": "Option “{value}” of question “{question}” cannot be combined with other options",
    },
    "error.not_integer": {
        "zh": "问题“{question}”需要一个整数，收到的是“{value}”",
        "en": "Question “{question}” needs a whole number; got “{value}”",
    },
    "error.out_of_range": {
        "zh": "问题“{question}”的回答 {value} 超出范围（{allowed}）",
        "en": "The answer {value} to question “{question}” is out of range ({allowed})",
    },
    "error.not_date": {
        "zh": "问题“{question}”需要一个日期（YYYY-MM-DD），收到的是“{value}”",
        "en": "Question “{question}” needs a date (YYYY-MM-DD); got “{value}”",
    },
    "error.not_text": {
        "zh": "问题“{question}”需要文字，收到的是“{value}”",
        "en": "Question “{question}” needs text; got “{value}”",
    },
    "error.too_long": {
        "zh": "问题“{question}”的文字过长（最多 {allowed} 字）",
        "en": "The text for question “{question}” is too long (at most {allowed} characters)",
    },
    "error.not_list": {
        "zh": "问题“{question}”可多选，需要一个列表，收到的是“{value}”",
        "en": "Question “{question}” takes several options as a list; got “{value}”",
    },
    "error.not_choice": {
        "zh": "问题“{question}”需要一个选项，收到的是“{value}”。可选：{allowed}",
        "en": "Question “{question}” needs one option; got “{value}”. Allowed: {allowed}",
    },
    "batch.unknown_unit_kind": {
        "zh": "未知的推荐单位类型“{value}”。可选：{allowed}",
        "en": "Unknown kind of recommending unit “{value}”. Known: {allowed}",
    },
    "batch.no_header": {"zh": "文件没有表头行（第一行应为问题编号）", "en": "The file has no header row (the first row must hold the question ids)"},
    "batch.xlsx_needs_openpyxl": {
        "zh": "读取 .xlsx 需要 openpyxl 包；请另存为 CSV（UTF-8）",
        "en": "Reading .xlsx needs the openpyxl package; save the sheet as CSV (UTF-8) instead",
    },
    "batch.extra_cells": {"zh": "该行的单元格多于表头列数", "en": "The row has more cells than the header has columns"},
    "error.answers_not_mapping": {
        "zh": "回答文件的内容应为“问题: 回答”的映射",
        "en": "The answers must be a mapping of question: answer",
    },
}


def s(key: str, lang: str, **values) -> str:
    """Return the interface string `key` in `lang`, with {placeholders} filled."""
    text = STRINGS[key][lang]
    return text.format(**values) if values else text
