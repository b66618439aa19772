"""Word pools for the generated tenant: (display form, ASCII form used in addresses)."""

DOMAIN = "contoso.com"
ONMICROSOFT = "contoso.onmicrosoft.com"

_FIRST_NAMES = """
    Adele Alex Allan Ann Ben Beth Carl Chris Dana Diego Eli Emma Grace Henry Irene Isaiah Jack
    Joni Kate Lee Lena Lidia Lynne Mark Megan Miriam Nestor Nora Omar Patti Pradeep Priya
    Quinn Raj Rosa Sam Sara Tom Uma Vera Will Yara Zack
"""
FIRST_NAMES = [(name, name.lower()) for name in _FIRST_NAMES.split()]
_LAST_NAMES = """
    Adams Baker Brown Clark Davis Evans Fisher Garcia Grant Hall Harris Hill Jones Khan King
    Kumar Lee Lopez Martin Miller Moore Nguyen Patel Reed Roberts Scott Smith Taylor Turner
    Vance Walker White Wilson Wright Young
"""
LAST_NAMES = [(name, name.lower()) for name in _LAST_NAMES.split()]

# Non-ASCII names, some with combining marks (NFD), as real directories hold them.
INTL_FIRST_NAMES = [
    ("José", "jose"),
    ("Zoë", "zoe"),
    ("Zoe\u0308", "zoe"),
    ("Łukasz", "lukasz"),
    ("Søren", "soren"),
    ("François", "francois"),
    ("Björn", "bjorn"),
    ("Ümit", "umit"),
    ("Siobhán", "siobhan"),
    ("Rene\u0301e", "renee"),
    ("Дмитрий", "dmitriy"),
    ("Αλέξανδρος", "alexandros"),
    ("Chloé", "chloe"),
    ("Ñusta", "nusta"),
]
INTL_LAST_NAMES = [
    ("García", "garcia"),
    ("Müller", "mueller"),
    ("Ærøskøbing", "aeroskobing"),
    ("Wiśniewski", "wisniewski"),
    ("Иванов", "ivanov"),
    ("O'Brien", "obrien"),
    ("Núñez", "nunez"),
    ("Dvořák", "dvorak"),
    ("Çelik", "celik"),
    ("Strauß", "strauss"),
    ("Nguyễn", "nguyen"),
    ("Jørgensen", "jorgensen"),
]
# Chinese names are written family name first, without a space.
CJK_NAMES = [
    ("伟", "王", "wei", "wang"),
    ("芳", "李", "fang", "li"),
    ("娜", "张", "na", "zhang"),
    ("敏", "刘", "min", "liu"),
    ("静", "陈", "jing", "chen"),
]

JOB_TITLES = [
    "Software Engineer",
    "Senior Software Engineer",
    "Product Manager",
    "Sales Representative",
    "Account Executive",
    "HR Generalist",
    "Financial Analyst",
    "IT Support Specialist",
    "Marketing Manager",
    "Data Scientist",
    "Office Manager",
    "Director of Operations",
    "Chief Technology Officer",
    "Ingénieure Qualité",
    "Legal Counsel",
    "Designer",
]
DEPARTMENTS = [
    "Engineering",
    "Sales",
    "Marketing",
    "Finance",
    "Human Resources",
    "IT",
    "Legal",
    "Operations",
    "Research & Development",
]
OFFICES = [
    "Building 4, Floor 2",
    "Redmond 18/2105",
    "London Paddington",
    "München Süd",
    "Ærøskøbing Harbour",
    "São Paulo",
    "Remote",
    "Seattle HQ",
    "Tokyo 東京",
]
LANGUAGES = ["en-US", "en-US", "en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "ja-JP", None]
COMPANIES = ["Contoso Ltd.", "Contoso Ltd.", "Contoso Ltd.", "Contoso Pharma", None]
GUEST_DOMAINS = [
    "fabrikam.com",
    "northwindtraders.com",
    "adatum.com",
    "tailspintoys.com",
    "gmail.com",
    "outlook.com",
]
PHONE_PREFIXES = ["+1 425 555 ", "+1 206 555 ", "+44 20 7946 ", "+49 89 1234 ", "+81 3 5555 "]
ROOM_NAMES = ["Conference Room {}", "Meeting Room {}", "Board Room {}", "Focus Room {}"]
SERVICE_NAMES = [
    "svc-backup",
    "svc-scanner",
    "svc-sql",
    "svc-intune-enroll",
    "Shared Mailbox Finance",
    "Helpdesk",
    "noreply",
]
# The city and country of each office; remote workers have a country but no city.
OFFICE_PLACES = {
    "Building 4, Floor 2": ("Redmond", "United States"),
    "Redmond 18/2105": ("Redmond", "United States"),
    "London Paddington": ("London", "United Kingdom"),
    "München Süd": ("München", "Germany"),
    "Ærøskøbing Harbour": ("Ærøskøbing", "Denmark"),
    "São Paulo": ("São Paulo", "Brazil"),
    "Seattle HQ": ("Seattle", "United States"),
    "Tokyo 東京": ("Tokyo", "Japan"),
}
COUNTRIES = ["United States", "United States", "United Kingdom", "Germany", "Canada", "Japan"]
# Each department's division (employeeOrgData.division) and first cost center number.
DIVISIONS = {
    "Engineering": ("Products", 4100),
    "Research & Development": ("Products", 4500),
    "Sales": ("Commercial", 2100),
    "Marketing": ("Commercial", 2500),
    "Finance": ("Corporate", 1100),
    "Human Resources": ("Corporate", 1300),
    "Legal": ("Corporate", 1500),
    "IT": ("Operations", 3100),
    "Operations": ("Operations", 3500),
}
