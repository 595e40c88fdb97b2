"""The demo's fixed vocabulary: territories, Korean names, companies, products, campaign themes,
venues (services/demo_seed.py draws from these with its seeded random generator)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from models.enums import SETTING_DEFAULTS, Channel, DisqualifyReason, Role

DEMO_PASSWORD = "onevoice-demo-2026"
# Demo users named in the README, fixed whatever the seed: (role, territory code, index) -> name.
DOCUMENTED_USERS = {
    (Role.rep, "SEL", 0): (("minjun", "민준"), ("kim", "김")),
    (Role.rep, "BSN", 0): (("jiho", "지호"), ("lee", "이")),
    (Role.manager, "SEL", 0): (("seoyeon", "서연"), ("park", "박")),
    (Role.marketer, None, 0): (("jiwoo", "지우"), ("choi", "최")),
    (Role.executive, None, 0): (("hyunwoo", "현우"), ("jung", "정")),
}
TZ = ZoneInfo(SETTING_DEFAULTS["time_zone"])

TERRITORIES = [("SEL", "Seoul 서울"), ("GGD", "Gyeonggi 경기"), ("BSN", "Busan 부산"), ("DGU", "Daegu 대구"),
               ("GWJ", "Gwangju 광주"), ("DJN", "Daejeon 대전"), ("ICN", "Incheon 인천")]
FAMILY = [("kim", "김"), ("lee", "이"), ("park", "박"), ("choi", "최"), ("jung", "정"), ("kang", "강"),
          ("cho", "조"), ("yoon", "윤"), ("jang", "장"), ("lim", "임"), ("han", "한"), ("oh", "오"), ("seo", "서"),
          ("shin", "신"), ("kwon", "권"), ("hwang", "황"), ("ahn", "안"), ("song", "송"), ("ryu", "류"), ("hong", "홍")]
GIVEN = [("minjun", "민준"), ("seoyeon", "서연"), ("jiwoo", "지우"), ("hyunwoo", "현우"), ("jiho", "지호"),
         ("soyeon", "소연"), ("dohyun", "도현"), ("yuna", "유나"), ("junseo", "준서"), ("haeun", "하은"),
         ("eunji", "은지"), ("taeyang", "태양"), ("sumin", "수민"), ("jaewon", "재원"), ("nayeon", "나연"),
         ("sungmin", "성민"), ("hyejin", "혜진"), ("donghyun", "동현"), ("chaewon", "채원"), ("woojin", "우진"),
         ("yerin", "예린"), ("seungho", "승호"), ("dahye", "다혜"), ("kyungsoo", "경수"), ("mirae", "미래"),
         ("jisoo", "지수"), ("hana", "하나"), ("youngho", "영호"), ("bora", "보라"), ("sangwoo", "상우"),
         ("gayoung", "가영"), ("inho", "인호"), ("jimin", "지민"), ("sohee", "소희"), ("wonbin", "원빈")]
COMPANY_STEMS = ["Hanbit", "Daehan", "Saebyeok", "Mirae", "Hanul", "Gaon", "Nuri", "Areum", "Seorin", "Bitna",
                 "Dasom", "Haneul", "Jinwoo", "Songdo", "Cheonji", "Gukje", "Samil", "Taeyang", "Hyundo", "Yeonsu"]
COMPANY_KINDS = [("Logistics", "물류"), ("Steel", "철강"), ("Foods", "식품"), ("Bio", "바이오"), ("Motors", "모터스"),
                 ("Electronics", "전자"), ("Pharma", "제약"), ("Retail", "유통"), ("Construction", "건설"),
                 ("Textiles", "섬유"), ("Chemicals", "화학"), ("Semiconductor", "반도체")]
SECTORS = {"Logistics": "logistics", "Steel": "manufacturing", "Foods": "food", "Bio": "healthcare",
           "Motors": "automotive", "Electronics": "technology", "Pharma": "healthcare", "Retail": "retail",
           "Construction": "construction", "Textiles": "manufacturing", "Chemicals": "manufacturing",
           "Semiconductor": "technology"}
PRODUCTS = [("OneCloud ERP", 45_000_000), ("SmartFactory MES", 120_000_000), ("SecureEdge Firewall", 18_000_000),
            ("DataLake Analytics", 65_000_000), ("FieldForce Mobile", 9_500_000), ("AI Vision QC", 85_000_000)]
CAMPAIGN_THEMES = [
    ("Smart Factory Summit", Channel.event, "SmartFactory MES"), ("Cloud ERP Roadshow", Channel.event, "OneCloud ERP"),
    ("Zero-Trust Security Webinar", Channel.webinar, "SecureEdge Firewall"),
    ("Data-Driven Retail", Channel.digital, "DataLake Analytics"), ("Field Sales Mobility", Channel.email, "FieldForce Mobile"),
    ("AI Quality Inspection Workshop", Channel.event, "AI Vision QC"), ("Partner Day", Channel.partner, "OneCloud ERP"),
    ("Year-End Upgrade Promotion", Channel.print, "SecureEdge Firewall"),
]
VENUES = {"SEL": ["COEX Hall B", "Lotte Hotel Seoul", "Yeouido IFC Forum"], "GGD": ["KINTEX Hall 3", "Pangyo Techno Valley Center"],
          "BSN": ["BEXCO Convention Hall", "Haeundae Grand Hotel"], "DGU": ["EXCO Daegu", "Daegu Marriott"],
          "GWJ": ["Kimdaejung Convention Center", "Gwangju Holiday Inn"], "DJN": ["DCC Daejeon", "Daedeok Innopolis Hall"],
          "ICN": ["Songdo Convensia", "Incheon Paradise City"]}
DISQUALIFY_TEXT = {
    DisqualifyReason.no_budget: "예산 없음 — budget frozen until next fiscal year",
    DisqualifyReason.no_need: "Already migrated to a competitor suite",
    DisqualifyReason.unreachable: "No answer after 4 attempts",
    DisqualifyReason.competitor_chosen: "Chose a local vendor on price",
}
