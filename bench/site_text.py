"""Turkish text for the generated bench site (bench/site.py): names, sentence templates, a vocabulary, and
generators of sentences, paragraphs and URL slugs. Deterministic given the caller's random.Random."""

from __future__ import annotations

import random
import re
from datetime import timedelta, timezone
from functools import lru_cache

TZ = timezone(timedelta(hours=3))
SITE_NAME = "Kent Haber"
CITIES = ["Ankara", "İstanbul", "İzmir", "Bursa", "Antalya", "Konya", "Trabzon", "Samsun", "Erzurum", "Van",
          "Diyarbakır", "Gaziantep", "Eskişehir", "Kayseri", "Malatya", "Sakarya", "Ordu", "Rize", "Muğla", "Edirne"]
INSTITUTIONS = ["Büyükşehir Belediyesi", "Valilik", "İl Sağlık Müdürlüğü", "Emniyet Müdürlüğü",
                "İl Milli Eğitim Müdürlüğü", "Tarım ve Orman Müdürlüğü", "AFAD", "Karayolları Bölge Müdürlüğü",
                "Ticaret Odası", "Üniversite Rektörlüğü", "İl Jandarma Komutanlığı", "Meteoroloji Bölge Müdürlüğü"]
PEOPLE = ["Ahmet Yılmaz", "Ayşe Demir", "Mehmet Kaya", "Fatma Şahin", "Mustafa Çelik", "Zeynep Arslan",
          "Hüseyin Doğan", "Elif Koç", "İbrahim Aydın", "Emine Öztürk", "Ömer Kılıç", "Hatice Aslan"]
TOPICS = ["asfalt çalışması", "su kesintisi", "trafik düzenlemesi", "okul inşaatı", "hastane hizmeti",
          "kuvvetli yağış", "orman yangını", "hasat dönemi", "ihracat rakamları", "kültür festivali",
          "deprem tatbikatı", "toplu taşıma zammı", "park ve bahçe düzenlemesi", "kadın kooperatifi",
          "sokak hayvanları", "altyapı yatırımı", "turizm sezonu", "öğrenci bursu", "fuar organizasyonu"]
CATEGORIES = ["Gündem", "Ekonomi", "Yerel", "Eğitim", "Sağlık", "Spor", "Kültür-Sanat", "Çevre", "Asayiş"]
MONTHS = ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım",
          "Aralık"]
SENTENCES = [
    "{city} {inst} ekipleri, {topic} kapsamında {n} mahallede çalışma başlattı.",
    "{person}, yaptığı açıklamada {topic} konusunda vatandaşların duyarlı olmasını istedi.",
    "Çalışmaların {month} ayı sonuna kadar tamamlanması hedefleniyor.",
    "{inst} tarafından yapılan açıklamada, {n} kişinin sürece dahil edildiği belirtildi.",
    "Yetkililer, {topic} nedeniyle bazı caddelerde trafiğin kontrollü sağlanacağını duyurdu.",
    "\"Vatandaşlarımızın anlayışı için teşekkür ediyoruz\" diyen {person}, sürecin yakından takip edildiğini söyledi.",
    "{city} genelinde {n} noktada denetim yapıldı, eksiklikler tutanak altına alındı.",
    "Proje için ayrılan bütçenin {n} milyon lira olduğu açıklandı.",
    "Bölgedeki esnaf, {topic} sonrasında işlerin yeniden hareketleneceğini umuyor.",
    "{person}, \"{topic} konusunda elimizden gelen her şeyi yapıyoruz\" ifadelerini kullandı.",
    "Açıklamada ayrıca {city} ve çevre ilçelerde benzer çalışmaların planlandığı kaydedildi.",
    "Meteoroloji, hafta sonu {city} için sağanak yağış uyarısında bulundu.",
    "Geçen yıl aynı dönemde {n} başvuru alındığı, bu yıl sayının arttığı bildirildi.",
    "{inst} önünde toplanan vatandaşlar, {topic} hakkında bilgi aldı.",
    "Konuyla ilgili soruşturma başlatıldığı, {n} kişinin ifadesine başvurulduğu öğrenildi.",
    "Uzmanlar, {topic} sürecinde yaşlı ve kronik hastaların dikkatli olması gerektiğini vurguladı.",
    "{city} Valisi {person}, bölgeye giderek çalışmaları yerinde inceledi.",
    "Etkinliğe {n} kişinin katılması bekleniyor; program {month} ayında başlayacak.",
    "Belediye meclisi, {topic} ile ilgili kararı oy birliğiyle kabul etti.",
    "Kentte son {n} günde yapılan ölçümlerde değerlerin normal seviyede olduğu görüldü.",
    "Sürücülerin alternatif güzergahları kullanmaları ve uyarı levhalarına dikkat etmeleri istendi.",
    "{person} ayrıca, gelecek yıl için {n} yeni projenin hazırlık aşamasında olduğunu belirtti.",
    "İlçe sakinleri, {topic} sonrası yaşanan gecikmelere tepki gösterdi.",
    "{inst} koordinasyonunda yürütülen çalışmalara gönüllüler de destek verdi.",
    "Olay yerine çok sayıda sağlık ve itfaiye ekibi sevk edildi.",
    "Tören, saygı duruşu ve İstiklal Marşı'nın okunmasıyla başladı.",
    "Başvuruların {month} ayının {n}. gününe kadar e-Devlet üzerinden yapılabileceği hatırlatıldı.",
    "{city} Ticaret Odası verilerine göre ihracat geçen yıla göre yüzde {n} arttı.",
    "Yapılan incelemede yapının {n} yıl önce inşa edildiği ve güçlendirme gerektiği tespit edildi.",
    "{person}, {city} halkına \"sabırları için\" teşekkür etti.",
]


# Free sentences are drawn from this vocabulary (with the names above): unrelated stories then share few
# 4-word sequences, as real news does. Template sentences alone (30 of them) made every pair of pages
# share dozens of 4-word shingles, which no real site does and which floods story clustering with
# candidates (see BENCHMARKS.md).
WORDS = """
açıklama toplantı karar süreç proje bütçe yatırım vatandaş mahalle ilçe merkez bölge köy cadde sokak meydan
okul öğrenci öğretmen veli hastane doktor hemşire hasta ambulans itfaiye polis jandarma ekip görevli uzman
yetkili başkan müdür vali kaymakam muhtar meclis üye komisyon rapor inceleme denetim tespit tutanak ceza
uyarı duyuru program etkinlik festival fuar sergi konser tören anma kutlama yarışma ödül sporcu kulüp maç
takım antrenör taraftar stadyum saha spor salon kurs eğitim seminer panel konferans çalıştay oturum kongre
ekonomi piyasa fiyat zam enflasyon faiz kredi ihracat ithalat üretim tüketim esnaf tüccar çiftçi üretici
hasat tarla bahçe sera ürün buğday fındık çay zeytin pamuk hayvan süt et yem kooperatif birlik dernek vakıf
su elektrik doğalgaz kesinti arıza bakım onarım yenileme altyapı kanalizasyon yol köprü tünel viyadük otoyol
trafik kaza araç sürücü yolcu otobüs minibüs tramvay metro tren vapur feribot havalimanı uçak sefer bilet
hava yağış kar fırtına rüzgar sel taşkın heyelan deprem sarsıntı yangın duman orman ağaç fidan dikim çevre
atık geri dönüşüm temizlik kirlilik ölçüm değer seviye oran sayı yüzde milyon bin lira dolar avro rakam
yıl ay hafta gün saat sabah akşam gece dönem sezon tarih süre aşama hedef plan strateji politika yönetmelik
kanun madde düzenleme başvuru kayıt belge sertifika diploma burs destek yardım hibe bağış kampanya gönüllü
aile çocuk genç yaşlı kadın erkek engelli emekli işçi memur personel istihdam işsizlik maaş ücret prim
kültür sanat tiyatro sinema müzik kitap kütüphane müze tarih miras kazı restorasyon cami kilise kale han
turizm turist otel konaklama rezervasyon plaj tesis kamp yayla doğa yürüyüş bisiklet park bahçe alan
yeni büyük küçük önemli ciddi hızlı yavaş güçlü zayıf yüksek düşük uzun kısa geniş dar eski modern yerel
ulusal uluslararası resmi özel kamu ortak genel temel ilk son ikinci üçüncü farklı benzer toplam ortalama
başladı tamamlandı sürüyor ertelendi açıklandı belirtildi vurgulandı kaydedildi bildirildi duyuruldu
gerçekleştirildi düzenlendi yapıldı alındı verildi sağlandı artırıldı azaltıldı planlanıyor bekleniyor
değerlendirildi incelendi görüşüldü kabul reddedildi onaylandı imzalandı teslim edildi hizmete açıldı
ile için gibi kadar sonra önce göre karşı üzere dolayı rağmen beri ayrıca ancak ise bile hem de da ve veya
""".split()


def free_sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(7, 16))]
    if rng.random() < 0.5:
        words.insert(0, rng.choice(CITIES + PEOPLE + INSTITUTIONS))
    words.insert(rng.randrange(1, len(words)), str(rng.randint(2, 4800)))
    line = " ".join(words)
    return line[0].upper() + line[1:] + "."


def sentence(rng: random.Random) -> str:
    """A sentence of Turkish news prose: a third from the templates, the rest free."""
    return fill(rng, rng.choice(SENTENCES)) if rng.random() < 0.35 else free_sentence(rng)


def fill(rng: random.Random, template: str) -> str:
    return template.format(city=rng.choice(CITIES), inst=rng.choice(INSTITUTIONS), person=rng.choice(PEOPLE),
                           topic=rng.choice(TOPICS), n=rng.randint(2, 480), month=rng.choice(MONTHS))


def paragraphs(rng: random.Random, count: int) -> list[str]:
    return [" ".join(sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(count)]


_ASCII = str.maketrans("çğıöşüÇĞİÖŞÜ", "cgiosuCGIOSU")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=4096)  # menus and footers slug the same few hundred names on every page
def slug(text: str) -> str:
    words = _NOT_ALNUM.sub(" ", text.translate(_ASCII).lower()).split()
    return "-".join(words[:8])
