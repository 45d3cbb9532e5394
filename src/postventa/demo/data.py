# ruff: noqa: E501  (one product per line reads better as a table)
"""Fixed content of the demo shop: cities, categories, products, carriers, teams.

Hand-written rather than faked so the catalog reads like a real Spanish retailer and stays the
same on every install (the product SKUs are the idempotency keys).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

# (city, province, first postcode, last postcode): real postcode ranges of each city.
CITIES: list[tuple[str, str, int, int]] = [
    ("Madrid", "Madrid", 28001, 28055),
    ("Barcelona", "Barcelona", 8001, 8042),
    ("Valencia", "Valencia", 46001, 46026),
    ("Sevilla", "Sevilla", 41001, 41020),
    ("Zaragoza", "Zaragoza", 50001, 50021),
    ("Málaga", "Málaga", 29001, 29018),
    ("Murcia", "Murcia", 30001, 30012),
    ("Palma", "Illes Balears", 7001, 7015),
    ("Bilbao", "Bizkaia", 48001, 48015),
    ("Valladolid", "Valladolid", 47001, 47017),
    ("Alicante", "Alicante", 3001, 3016),
    ("Córdoba", "Córdoba", 14001, 14014),
    ("Vigo", "Pontevedra", 36201, 36216),
    ("Gijón", "Asturias", 33201, 33213),
    ("A Coruña", "A Coruña", 15001, 15011),
    ("Granada", "Granada", 18001, 18015),
    ("Vitoria-Gasteiz", "Araba/Álava", 1001, 1015),
    ("Pamplona", "Navarra", 31001, 31016),
    ("Santander", "Cantabria", 39001, 39012),
    ("Salamanca", "Salamanca", 37001, 37008),
    ("Las Palmas de Gran Canaria", "Las Palmas", 35001, 35019),
    ("Santa Cruz de Tenerife", "Santa Cruz de Tenerife", 38001, 38010),
    ("Cádiz", "Cádiz", 11001, 11012),
    ("Toledo", "Toledo", 45001, 45008),
    ("Girona", "Girona", 17001, 17007),
]
# Bigger cities get more customers (roughly by population).
CITY_WEIGHTS = [30, 20, 9, 8, 7, 6, 5, 4, 4, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 3, 2, 2, 1, 1]

EMAIL_DOMAINS = ["example.com", "example.org", "example.net"]  # reserved domains: never a real inbox

CARRIERS = [("seur", "SEUR"), ("correos_express", "Correos Express"), ("mrw", "MRW"), ("gls", "GLS")]
CARRIER_WEIGHTS = [40, 30, 15, 15]


@dataclass(frozen=True)
class CategoryDef:
    slug: str
    name_es: str
    name_en: str
    serialised: bool  # each unit has a serial number, so a delivered line becomes an asset
    weight: int  # how often it is bought


CATEGORIES = [
    CategoryDef("electrodomesticos", "Electrodomésticos", "Home appliances", True, 22),
    CategoryDef("pequeno-electrodomestico", "Pequeño electrodoméstico", "Small appliances", True, 16),
    CategoryDef("impresoras", "Impresoras", "Printers", True, 12),
    CategoryDef("moviles", "Móviles", "Mobile phones", True, 18),
    CategoryDef("informatica", "Informática", "Computers", True, 10),
    CategoryDef("muebles", "Muebles", "Furniture", False, 10),
    CategoryDef("accesorios", "Accesorios y consumibles", "Accessories and supplies", False, 12),
]


@dataclass(frozen=True)
class ProductDef:
    sku: str
    category: str
    brand: str
    name_es: str
    name_en: str
    price: Decimal
    warranty_months: int  # commercial warranty on top of the legal one (0 = legal only)
    maintenance_months: int | None = None
    ended: dt.date | None = None  # manufacturing end date
    recyclable: bool = False


def _p(sku, cat, brand, es, en, price, warranty=0, maint=None, ended=None, recyclable=False) -> ProductDef:
    return ProductDef(sku, cat, brand, es, en, Decimal(price), warranty, maint, ended, recyclable)


D = dt.date
# fmt: off
PRODUCTS: list[ProductDef] = [
    # Home appliances: maintenance visits, long commercial warranties, recyclable (RAEE).
    _p("LAV-BOS-W8", "electrodomesticos", "Bosch", "Lavadora Serie 6 8 kg", "Washing machine Series 6 8 kg", "549.00", 24, 24, recyclable=True),
    _p("LAV-BAL-3TS", "electrodomesticos", "Balay", "Lavadora 3TS 9 kg", "Washing machine 3TS 9 kg", "479.00", 12, 24, recyclable=True),
    _p("LAV-LG-F4", "electrodomesticos", "LG", "Lavadora F4 Vivace 10 kg", "Washing machine F4 Vivace 10 kg", "629.00", 36, 24, recyclable=True),
    _p("SEC-SIE-IQ", "electrodomesticos", "Siemens", "Secadora iQ500 bomba de calor", "iQ500 heat-pump dryer", "699.00", 24, 12, recyclable=True),
    _p("FRI-SAM-RB", "electrodomesticos", "Samsung", "Frigorífico combi RB38 No Frost", "RB38 No Frost fridge freezer", "719.00", 24, 36, recyclable=True),
    _p("FRI-TEK-RVF", "electrodomesticos", "Teka", "Frigorífico una puerta RVF", "RVF single-door fridge", "399.00", 0, None, D(2024, 6, 30), True),
    _p("LVJ-BOS-SMS", "electrodomesticos", "Bosch", "Lavavajillas SMS4 60 cm", "SMS4 dishwasher 60 cm", "469.00", 24, 24, recyclable=True),
    _p("LVJ-BEK-DFN", "electrodomesticos", "Beko", "Lavavajillas DFN 45 cm", "DFN dishwasher 45 cm", "349.00", 0, 24, D(2023, 12, 31), True),
    _p("HOR-BAL-3HB", "electrodomesticos", "Balay", "Horno multifunción 3HB", "3HB multifunction oven", "329.00", 12, None, recyclable=True),
    _p("VIT-TEK-IZ", "electrodomesticos", "Teka", "Placa de inducción IZ 60 cm", "IZ induction hob 60 cm", "289.00", 12, None, recyclable=True),
    _p("CAL-JUN-CW", "electrodomesticos", "Junkers", "Calentador de gas Cerapur 11 l", "Cerapur gas water heater 11 l", "459.00", 24, 12, recyclable=True),
    _p("AAC-DAI-SEN", "electrodomesticos", "Daikin", "Aire acondicionado Sensira 3,5 kW", "Sensira air conditioner 3.5 kW", "899.00", 36, 12, recyclable=True),
    # Small appliances
    _p("CAF-DEL-MAG", "pequeno-electrodomestico", "De'Longhi", "Cafetera superautomática Magnifica", "Magnifica bean-to-cup coffee machine", "399.00", 12, 6, recyclable=True),
    _p("CAF-KRU-NES", "pequeno-electrodomestico", "Krups", "Cafetera Nespresso Inissia", "Nespresso Inissia coffee machine", "99.00", 0, None, D(2024, 3, 31), True),
    _p("ASP-ROW-XF", "pequeno-electrodomestico", "Rowenta", "Aspiradora sin cable X-Force", "X-Force cordless vacuum", "279.00", 12, None, recyclable=True),
    _p("ROB-ROO-J7", "pequeno-electrodomestico", "iRobot", "Robot aspirador Roomba j7", "Roomba j7 robot vacuum", "549.00", 12, 12, recyclable=True),
    _p("FRE-COS-AIR", "pequeno-electrodomestico", "Cosori", "Freidora de aire 5,5 l", "Air fryer 5.5 l", "119.00", 0, None, recyclable=True),
    _p("MIC-CEC-GR", "pequeno-electrodomestico", "Cecotec", "Microondas con grill 20 l", "Microwave with grill 20 l", "89.00", 0, None, recyclable=True),
    _p("ROB-TAU-MYC", "pequeno-electrodomestico", "Taurus", "Robot de cocina Mycook", "Mycook kitchen robot", "649.00", 24, None, recyclable=True),
    _p("PLA-PHI-AZ", "pequeno-electrodomestico", "Philips", "Plancha de vapor Azur", "Azur steam iron", "69.00", 0, None, recyclable=True),
    # Printers: maintenance (cleaning, drum) every 6-12 months.
    _p("IMP-HP-OJ9", "impresoras", "HP", "Impresora multifunción OfficeJet Pro 9010", "OfficeJet Pro 9010 all-in-one printer", "249.00", 12, 12, recyclable=True),
    _p("IMP-HP-LJ4", "impresoras", "HP", "Impresora láser LaserJet Pro M404", "LaserJet Pro M404 laser printer", "299.00", 12, 12, D(2024, 9, 30), True),
    _p("IMP-EPS-ET", "impresoras", "Epson", "Impresora EcoTank ET-2850", "EcoTank ET-2850 printer", "239.00", 24, 12, recyclable=True),
    _p("IMP-CAN-PX", "impresoras", "Canon", "Impresora PIXMA TS5350", "PIXMA TS5350 printer", "89.00", 0, None, D(2023, 6, 30), True),
    _p("IMP-BRO-HL", "impresoras", "Brother", "Impresora láser HL-L2350DW", "HL-L2350DW laser printer", "139.00", 24, 12, recyclable=True),
    _p("IMP-BRO-MFC", "impresoras", "Brother", "Multifunción láser color MFC-L3750", "MFC-L3750 colour laser all-in-one", "429.00", 36, 6, recyclable=True),
    _p("IMP-KYO-EC", "impresoras", "Kyocera", "Impresora ECOSYS P2040dn", "ECOSYS P2040dn printer", "319.00", 36, 6, recyclable=True),
    # Mobile phones
    _p("MOV-SAM-A55", "moviles", "Samsung", "Móvil Galaxy A55 128 GB", "Galaxy A55 128 GB phone", "399.00", 12, recyclable=True),
    _p("MOV-SAM-S24", "moviles", "Samsung", "Móvil Galaxy S24 256 GB", "Galaxy S24 256 GB phone", "909.00", 12, recyclable=True),
    _p("MOV-APP-15", "moviles", "Apple", "iPhone 15 128 GB", "iPhone 15 128 GB", "959.00", 12, recyclable=True),
    _p("MOV-APP-13", "moviles", "Apple", "iPhone 13 128 GB", "iPhone 13 128 GB", "699.00", 0, None, D(2024, 9, 10), True),
    _p("MOV-XIA-RN13", "moviles", "Xiaomi", "Móvil Redmi Note 13 256 GB", "Redmi Note 13 256 GB phone", "229.00", 0, recyclable=True),
    _p("MOV-MOT-G84", "moviles", "Motorola", "Móvil moto g84 5G", "moto g84 5G phone", "279.00", 0, recyclable=True),
    _p("MOV-GOO-P8", "moviles", "Google", "Móvil Pixel 8 128 GB", "Pixel 8 128 GB phone", "799.00", 12, recyclable=True),
    _p("MOV-OPP-A79", "moviles", "OPPO", "Móvil A79 5G", "A79 5G phone", "249.00", 0, None, D(2025, 3, 31), True),
    # Computers
    _p("POR-LEN-IP5", "informatica", "Lenovo", "Portátil IdeaPad 5 14\"", "IdeaPad 5 14\" laptop", "749.00", 12, recyclable=True),
    _p("POR-HP-PAV", "informatica", "HP", "Portátil Pavilion 15\"", "Pavilion 15\" laptop", "699.00", 12, recyclable=True),
    _p("POR-ASU-ZB", "informatica", "ASUS", "Portátil Zenbook 14 OLED", "Zenbook 14 OLED laptop", "1099.00", 24, recyclable=True),
    _p("MON-LG-27", "informatica", "LG", "Monitor UltraGear 27\"", "UltraGear 27\" monitor", "279.00", 12, recyclable=True),
    _p("TAB-SAM-S9", "informatica", "Samsung", "Tableta Galaxy Tab S9 FE", "Galaxy Tab S9 FE tablet", "449.00", 12, recyclable=True),
    _p("SOB-HP-ELI", "informatica", "HP", "Ordenador de sobremesa Elite 800", "Elite 800 desktop computer", "899.00", 36, None, D(2024, 12, 31), True),
    # Furniture: no serial numbers, no maintenance.
    _p("MUE-SOF-NOR", "muebles", "Nórdica Home", "Sofá 3 plazas Nordic", "Nordic 3-seater sofa", "649.00", 24),
    _p("MUE-SOF-CHA", "muebles", "Nórdica Home", "Sofá chaise longue Oslo", "Oslo chaise longue sofa", "899.00", 24),
    _p("MUE-MES-ROB", "muebles", "Roble Vivo", "Mesa de comedor extensible de roble", "Extendable oak dining table", "529.00", 12),
    _p("MUE-SIL-ERG", "muebles", "Oficina Pro", "Silla de oficina ergonómica", "Ergonomic office chair", "229.00", 24),
    _p("MUE-ARM-3P", "muebles", "Roble Vivo", "Armario 3 puertas", "3-door wardrobe", "379.00", 0),
    _p("MUE-CAM-150", "muebles", "Descanso Sur", "Canapé abatible 150 x 190", "Storage bed base 150 x 190", "319.00", 36),
    _p("MUE-COL-VIS", "muebles", "Descanso Sur", "Colchón viscoelástico 150 x 190", "Memory foam mattress 150 x 190", "399.00", 60),
    _p("MUE-EST-KAL", "muebles", "Nórdica Home", "Estantería Kalma 5 baldas", "Kalma 5-shelf bookcase", "99.00", 0, None, D(2024, 1, 31)),
    _p("MUE-ESC-ELE", "muebles", "Oficina Pro", "Escritorio elevable eléctrico", "Electric standing desk", "459.00", 24),
    # Accessories and supplies
    _p("ACC-TON-HP", "accesorios", "HP", "Tóner HP 59A negro", "HP 59A black toner", "89.00", 0, recyclable=True),
    _p("ACC-TIN-EPS", "accesorios", "Epson", "Botellas de tinta EcoTank 104 (pack 4)", "EcoTank 104 ink bottles (4-pack)", "39.90", 0, recyclable=True),
    _p("ACC-FUN-SAM", "accesorios", "Samsung", "Funda de silicona Galaxy", "Galaxy silicone case", "24.90", 0),
    _p("ACC-CAR-65W", "accesorios", "Anker", "Cargador USB-C 65 W", "65 W USB-C charger", "39.99", 0, recyclable=True),
    _p("ACC-CAB-USB", "accesorios", "Anker", "Cable USB-C 2 m", "USB-C cable 2 m", "12.99", 0),
    _p("ACC-FIL-LAV", "accesorios", "Bosch", "Kit de mantenimiento para lavadora", "Washing machine care kit", "19.95", 0),
    _p("ACC-PAP-A4", "accesorios", "Navigator", "Papel A4 80 g (caja 5 paquetes)", "A4 paper 80 g (box of 5 reams)", "29.50", 0, recyclable=True),
    _p("ACC-PRO-PAN", "accesorios", "Belkin", "Protector de pantalla de cristal", "Tempered glass screen protector", "14.99", 0),
]
# fmt: on

TEAMS = [
    ("Atención al cliente", "Pedidos, envíos y consultas generales.", "clientes@postventa.example.com"),
    ("Soporte técnico", "Averías, garantías y reparaciones.", "soporte@postventa.example.com"),
    ("Devoluciones", "Devoluciones, reembolsos y recogidas.", "devoluciones@postventa.example.com"),
]

SKILLS = [
    ("language", "es", "Español"),
    ("language", "en", "English"),
    ("product_line", "electrodomesticos", "Electrodomésticos"),
    ("product_line", "impresoras", "Impresoras"),
    ("product_line", "moviles", "Móviles"),
    ("product_line", "muebles", "Muebles"),
]

# username -> (first name, last name, teams, skill codes)
STAFF_PROFILES = {
    "admin": ("Marta", "Ibáñez", [], ["es", "en"]),
    "supervisor": ("Javier", "Ortega", ["Atención al cliente", "Devoluciones"], ["es", "en"]),
    "agente": (
        "Lucía",
        "Fernández",
        ["Atención al cliente", "Soporte técnico"],
        ["es", "en", "electrodomesticos", "moviles"],
    ),
    "analista": ("Pablo", "Serrano", [], ["es"]),
}
