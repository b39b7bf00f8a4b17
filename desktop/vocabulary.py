"""The words every area shares: card colours (names, meanings, hues) and household kinds (户类型, 贫困户属性).

The bottom of the program: imports nothing of ours, so rules, documents, charts and widgets all name a colour
or a kind the same way."""

# 一户一策 card colours (seed 001 三(一): 红卡、黄卡、绿卡、蓝卡), in their order on charts and lists
COLOUR_NAMES = {"red": "红卡", "yellow": "黄卡", "green": "绿卡", "blue": "蓝卡"}
COLOUR_MEANING = {"red": "未脱贫户", "yellow": "脱贫不稳定户", "green": "稳定脱贫户", "blue": "档外边缘户"}
COLOUR_HEX = {"red": "#c62828", "yellow": "#f9a825", "green": "#2e7d32", "blue": "#1565c0"}
COLOUR_ORDER = (*COLOUR_NAMES, "none")
COLOUR_LABELS = {**COLOUR_NAMES, "none": "未定卡"}

# 花名册 enumerations of the household (the national system's values)
POVERTY_TYPES = (
    "一般贫困户",
    "低保贫困户",
    "特困供养贫困户",
    "一般脱贫户",
    "低保脱贫户",
    "特困供养脱贫户",
    "一般农户",
    "低保户",
    "特困供养户",
)
HOUSEHOLD_KINDS = ("脱贫户", "脱贫不稳定户", "边缘易致贫户", "突发严重困难户", "一般农户", "监测对象")

# --- who is registered (建档立卡) and who has exited (脱贫) -----------------------------------------------------
# 贫困户属性 of a 建档立卡 household: …贫困户 while poor, …脱贫户 after 2021 (brief §5); 一般农户, 低保户 and
# 特困供养户 (social assistance, not 建档立卡) are not on it.
REGISTERED_TYPES = (
    "一般贫困户",
    "低保贫困户",
    "特困供养贫困户",
    "一般脱贫户",
    "低保脱贫户",
    "特困供养脱贫户",
)
# 户类型 that by definition are outside the 建档立卡 roster: 边缘易致贫户 are the 档外边缘户 of seed 001 (“非贫困户”),
# 一般农户 is nobody's poverty status. 突发严重困难户 and 监测对象 may be either; their 贫困户属性 decides.
OUTSIDE_KINDS = ("边缘易致贫户", "一般农户")
# 防返贫监测: three separate 户类型; 监测对象 is their umbrella (a household the roster marks so is one of them).
MONITORING_KINDS = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
MONITORED_KINDS = (*MONITORING_KINDS, "监测对象")
REGISTERED_KINDS = ("脱贫户", "脱贫不稳定户")  # 户类型 of households registered (建档立卡)
# 脱贫户 and 脱贫不稳定户: the 户类型 of households that have exited (registered households since 2021)
EXITED_KINDS = ("脱贫户", "脱贫不稳定户")
