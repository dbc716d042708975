"""Help-center articles and customers' questions in four languages, for measuring search.

Written for these benchmarks: twelve everyday topics of an online shop's help center in
English, Russian, Turkish and Finnish, and questions the way customers type them (other
word forms, other words, a typo now and then), each marked with the article that answers
it. `bench/search_quality.py` measures how well search finds those articles;
`bench/search_speed.py` builds 50,000 articles from the same material.
"""

from __future__ import annotations

ARTICLES: dict[str, list[tuple[str, str, str]]] = {
    "en": [
        (
            "reset-password",
            "Reset your password",
            "If you forgot your password, open the sign-in page and choose Forgot password. "
            "We send a link to your e-mail address; it works for one hour. Choose a new "
            "password of at least ten characters.",
        ),
        (
            "change-email",
            "Change the e-mail address of your account",
            "Open your profile, choose Account details and type the new address. We send a "
            "confirmation message to the new address, and the change takes effect once you "
            "confirm it.",
        ),
        (
            "track-order",
            "Track your order",
            "Every shipped order has a tracking number. Find it in the shipping confirmation "
            "e-mail or under My orders, and follow the parcel on the courier's site.",
        ),
        (
            "return-item",
            "Return an item",
            "You can return most items within 30 days. Print the return label from My orders, "
            "pack the item in its original box and drop it at any post office.",
        ),
        (
            "refund-time",
            "When will I get my refund?",
            "We refund the money to the card you paid with within five working days after the "
            "returned parcel reaches our warehouse. Your bank may need a few more days.",
        ),
        (
            "cancel-order",
            "Cancel an order",
            "An order can be cancelled until it leaves the warehouse. Open My orders and press "
            "Cancel; if the button is gone, the parcel is already on its way and you can return "
            "it instead.",
        ),
        (
            "shipping-abroad",
            "Shipping costs and delivery abroad",
            "We deliver to 30 countries. Shipping within the country is free from 50 euros; "
            "international delivery costs depend on the weight and take five to ten days.",
        ),
        (
            "payment-methods",
            "Ways to pay",
            "Pay by credit or debit card, bank transfer, or in instalments. We do not accept "
            "cash on delivery or cryptocurrencies.",
        ),
        (
            "download-invoice",
            "Download an invoice",
            "Invoices are PDF files under My orders. Choose the order and press Invoice; "
            "companies can add their VAT number before paying.",
        ),
        (
            "damaged-item",
            "The item arrived damaged or broken",
            "Take photos of the broken item and the box, and write to us within 14 days. We "
            "send a replacement or refund you; you do not need to send the damaged item back.",
        ),
        (
            "gift-card",
            "Gift cards",
            "Gift cards are valid for three years and can be used for several orders. Enter "
            "the code at checkout; the remaining balance stays on the card.",
        ),
        (
            "delete-account",
            "Delete your account",
            "To close your account and erase your personal data, open your profile and choose "
            "Delete account. Orders in progress are finished first.",
        ),
    ],
    "ru": [
        (
            "reset-password",
            "Как сбросить пароль",
            "Если вы забыли пароль, откройте страницу входа и нажмите «Забыли пароль». Мы "
            "отправим ссылку на вашу электронную почту; она действует один час. Придумайте "
            "новый пароль длиной не менее десяти символов.",
        ),
        (
            "change-email",
            "Как изменить адрес электронной почты",
            "Откройте профиль, выберите «Данные учётной записи» и введите новый адрес. Мы "
            "отправим письмо с подтверждением на новый адрес; изменение вступит в силу после "
            "подтверждения.",
        ),
        (
            "track-order",
            "Отслеживание заказа",
            "У каждого отправленного заказа есть трек-номер. Он указан в письме об отправке и "
            "в разделе «Мои заказы»; по нему можно следить за посылкой на сайте курьерской "
            "службы.",
        ),
        (
            "return-item",
            "Возврат товара",
            "Большинство товаров можно вернуть в течение 30 дней. Распечатайте этикетку для "
            "возврата в разделе «Мои заказы», упакуйте товар в оригинальную коробку и сдайте "
            "в любое почтовое отделение.",
        ),
        (
            "refund-time",
            "Когда вернутся деньги",
            "Мы возвращаем деньги на карту, с которой была оплата, в течение пяти рабочих дней "
            "после того, как возвращённая посылка поступит на склад. Банку может понадобиться "
            "ещё несколько дней.",
        ),
        (
            "cancel-order",
            "Отмена заказа",
            "Заказ можно отменить, пока он не покинул склад. Откройте «Мои заказы» и нажмите "
            "«Отменить»; если кнопки нет, посылка уже в пути, и её можно вернуть.",
        ),
        (
            "shipping-abroad",
            "Стоимость доставки и доставка за границу",
            "Мы доставляем в 30 стран. Доставка по стране бесплатна от 50 евро; стоимость "
            "международной доставки зависит от веса, срок — от пяти до десяти дней.",
        ),
        (
            "payment-methods",
            "Способы оплаты",
            "Оплатить можно кредитной или дебетовой картой, банковским переводом или в "
            "рассрочку. Наличные при получении и криптовалюты мы не принимаем.",
        ),
        (
            "download-invoice",
            "Как скачать счёт",
            "Счета — это PDF-файлы в разделе «Мои заказы». Выберите заказ и нажмите «Счёт»; "
            "компании могут указать свой ИНН перед оплатой.",
        ),
        (
            "damaged-item",
            "Товар пришёл повреждённым",
            "Сфотографируйте сломанный товар и коробку и напишите нам в течение 14 дней. Мы "
            "пришлём замену или вернём деньги; повреждённый товар отправлять обратно не нужно.",
        ),
        (
            "gift-card",
            "Подарочные карты",
            "Подарочная карта действует три года, ею можно оплатить несколько заказов. Введите "
            "код при оформлении заказа; остаток сохраняется на карте.",
        ),
        (
            "delete-account",
            "Удаление учётной записи",
            "Чтобы закрыть учётную запись и удалить персональные данные, откройте профиль и "
            "выберите «Удалить учётную запись». Заказы в работе сначала будут выполнены.",
        ),
    ],
    "tr": [
        (
            "reset-password",
            "Şifrenizi sıfırlayın",
            "Şifrenizi unuttuysanız giriş sayfasını açın ve Şifremi unuttum seçeneğine "
            "tıklayın. E-posta adresinize bir bağlantı göndeririz; bağlantı bir saat geçerlidir. "
            "En az on karakterden oluşan yeni bir şifre belirleyin.",
        ),
        (
            "change-email",
            "Hesabınızın e-posta adresini değiştirin",
            "Profilinizi açın, Hesap bilgileri bölümünü seçin ve yeni adresi yazın. Yeni "
            "adrese bir onay mesajı göndeririz; değişiklik onayladığınızda geçerli olur.",
        ),
        (
            "track-order",
            "Siparişinizi takip edin",
            "Gönderilen her siparişin bir takip numarası vardır. Numarayı kargo bildirim "
            "e-postasında veya Siparişlerim sayfasında bulabilir, paketi kargo firmasının "
            "sitesinden izleyebilirsiniz.",
        ),
        (
            "return-item",
            "Ürün iadesi",
            "Çoğu ürünü 30 gün içinde iade edebilirsiniz. İade etiketini Siparişlerim "
            "sayfasından yazdırın, ürünü orijinal kutusuna koyun ve herhangi bir postaneye "
            "teslim edin.",
        ),
        (
            "refund-time",
            "Param ne zaman iade edilir?",
            "İade edilen paket depomuza ulaştıktan sonra beş iş günü içinde ödemeyi yaptığınız "
            "karta para iadesi yaparız. Bankanızın birkaç gün daha ihtiyacı olabilir.",
        ),
        (
            "cancel-order",
            "Siparişi iptal etme",
            "Sipariş depodan çıkana kadar iptal edilebilir. Siparişlerim sayfasını açın ve "
            "İptal düğmesine basın; düğme yoksa paket yoldadır, bunun yerine iade "
            "edebilirsiniz.",
        ),
        (
            "shipping-abroad",
            "Kargo ücretleri ve yurt dışı teslimat",
            "30 ülkeye teslimat yapıyoruz. Yurt içi kargo 50 avrodan itibaren ücretsizdir; "
            "yurt dışı teslimat ücreti ağırlığa bağlıdır ve beş ila on gün sürer.",
        ),
        (
            "payment-methods",
            "Ödeme yöntemleri",
            "Kredi kartı, banka kartı, havale veya taksitle ödeyebilirsiniz. Kapıda nakit ödeme "
            "ve kripto para kabul etmiyoruz.",
        ),
        (
            "download-invoice",
            "Fatura indirme",
            "Faturalar Siparişlerim sayfasında PDF dosyası olarak bulunur. Siparişi seçin ve "
            "Fatura düğmesine basın; şirketler ödemeden önce vergi numaralarını ekleyebilir.",
        ),
        (
            "damaged-item",
            "Ürün hasarlı veya kırık geldi",
            "Kırık ürünün ve kutunun fotoğrafını çekin ve 14 gün içinde bize yazın. Yeni ürün "
            "göndeririz ya da ücretini iade ederiz; hasarlı ürünü geri göndermeniz gerekmez.",
        ),
        (
            "gift-card",
            "Hediye kartları",
            "Hediye kartları üç yıl geçerlidir ve birden fazla siparişte kullanılabilir. Kodu "
            "ödeme adımında girin; kalan bakiye kartta kalır.",
        ),
        (
            "delete-account",
            "Hesabınızı silin",
            "Hesabınızı kapatmak ve kişisel verilerinizi silmek için profilinizi açın ve Hesabı "
            "sil seçeneğini seçin. Devam eden siparişler önce tamamlanır.",
        ),
    ],
    "fi": [
        (
            "reset-password",
            "Salasanan vaihtaminen",
            "Jos unohdit salasanasi, avaa kirjautumissivu ja valitse Unohtuiko salasana. "
            "Lähetämme linkin sähköpostiisi; linkki on voimassa tunnin. Valitse uusi salasana, "
            "jossa on vähintään kymmenen merkkiä.",
        ),
        (
            "change-email",
            "Tilin sähköpostiosoitteen muuttaminen",
            "Avaa profiilisi, valitse Tilin tiedot ja kirjoita uusi osoite. Lähetämme "
            "vahvistusviestin uuteen osoitteeseen, ja muutos tulee voimaan, kun vahvistat sen.",
        ),
        (
            "track-order",
            "Tilauksen seuranta",
            "Jokaisella lähetetyllä tilauksella on seurantanumero. Löydät sen "
            "lähetysvahvistuksesta tai kohdasta Omat tilaukset, ja voit seurata pakettia "
            "kuljetusyhtiön sivuilla.",
        ),
        (
            "return-item",
            "Tuotteen palauttaminen",
            "Useimmat tuotteet voi palauttaa 30 päivän kuluessa. Tulosta palautuslipuke "
            "kohdasta Omat tilaukset, pakkaa tuote alkuperäiseen laatikkoon ja vie se mihin "
            "tahansa postiin.",
        ),
        (
            "refund-time",
            "Milloin saan rahat takaisin?",
            "Palautamme rahat kortille, jolla maksoit, viiden arkipäivän kuluessa siitä, kun "
            "palautettu paketti on saapunut varastoomme. Pankkisi voi tarvita muutaman päivän "
            "lisää.",
        ),
        (
            "cancel-order",
            "Tilauksen peruuttaminen",
            "Tilauksen voi peruuttaa, kunnes se lähtee varastolta. Avaa Omat tilaukset ja "
            "paina Peruuta; jos painiketta ei ole, paketti on jo matkalla ja voit palauttaa "
            "sen.",
        ),
        (
            "shipping-abroad",
            "Toimituskulut ja toimitus ulkomaille",
            "Toimitamme 30 maahan. Kotimaan toimitus on ilmainen yli 50 euron tilauksille; "
            "ulkomaantoimituksen hinta riippuu painosta ja toimitus kestää viidestä kymmeneen "
            "päivää.",
        ),
        (
            "payment-methods",
            "Maksutavat",
            "Voit maksaa luotto- tai pankkikortilla, tilisiirrolla tai osamaksulla. Emme ota "
            "vastaan käteistä toimituksen yhteydessä emmekä kryptovaluuttoja.",
        ),
        (
            "download-invoice",
            "Laskun lataaminen",
            "Laskut ovat PDF-tiedostoja kohdassa Omat tilaukset. Valitse tilaus ja paina Lasku; "
            "yritykset voivat lisätä Y-tunnuksensa ennen maksamista.",
        ),
        (
            "damaged-item",
            "Tuote saapui vahingoittuneena tai rikki",
            "Ota kuvat rikkinäisestä tuotteesta ja laatikosta ja kirjoita meille 14 päivän "
            "kuluessa. Lähetämme uuden tuotteen tai palautamme rahat; vahingoittunutta tuotetta "
            "ei tarvitse lähettää takaisin.",
        ),
        (
            "gift-card",
            "Lahjakortit",
            "Lahjakortti on voimassa kolme vuotta, ja sillä voi maksaa useita tilauksia. Syötä "
            "koodi kassalla; jäljelle jäävä saldo säilyy kortilla.",
        ),
        (
            "delete-account",
            "Tilin poistaminen",
            "Jos haluat sulkea tilisi ja poistaa henkilötietosi, avaa profiilisi ja valitse "
            "Poista tili. Kesken olevat tilaukset toimitetaan ensin.",
        ),
    ],
}

QUESTIONS: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("forgot my password", "reset-password"),
        ("how can I reset the pasword", "reset-password"),
        ("new email address for my account", "change-email"),
        ("where is my parcel", "track-order"),
        ("tracking number of my order", "track-order"),
        ("how to send back an item", "return-item"),
        ("returning a jacket", "return-item"),
        ("when do I get my money back", "refund-time"),
        ("refund still not on my card", "refund-time"),
        ("cancel my order please", "cancel-order"),
        ("do you ship to other countries", "shipping-abroad"),
        ("delivery cost", "shipping-abroad"),
        ("can I pay in instalments", "payment-methods"),
        ("do you accept bitcoin", "payment-methods"),
        ("I need an invoice for my company", "download-invoice"),
        ("the lamp arrived broken", "damaged-item"),
        ("package damaged", "damaged-item"),
        ("how long is a gift card valid", "gift-card"),
        ("close my account and remove my data", "delete-account"),
    ],
    "ru": [
        ("забыл пароль", "reset-password"),
        ("не могу войти, нужен новый пароль", "reset-password"),
        ("поменять почту в профиле", "change-email"),
        ("где моя посылка", "track-order"),
        ("трек-номер заказа", "track-order"),
        ("как вернуть товар", "return-item"),
        ("возврат куртки", "return-item"),
        ("когда вернут деньги", "refund-time"),
        ("деньги не пришли на карту после возврата", "refund-time"),
        ("хочу отменить заказ", "cancel-order"),
        ("доставляете ли вы в другие страны", "shipping-abroad"),
        ("сколько стоит доставка", "shipping-abroad"),
        ("можно ли оплатить в рассрочку", "payment-methods"),
        ("принимаете криптовалюту", "payment-methods"),
        ("нужен счёт для компании", "download-invoice"),
        ("лампа пришла сломанной", "damaged-item"),
        ("повреждённая посылка", "damaged-item"),
        ("сколько действует подарочная карта", "gift-card"),
        ("удалить мои персональные данные", "delete-account"),
    ],
    "tr": [
        ("şifremi unuttum", "reset-password"),
        ("yeni şifre nasıl alınır", "reset-password"),
        ("e-posta adresimi değiştirmek istiyorum", "change-email"),
        ("kargom nerede", "track-order"),
        ("siparişimin takip numarası", "track-order"),
        ("ürünü nasıl iade ederim", "return-item"),
        ("ceketi iade etmek", "return-item"),
        ("param ne zaman geri gelir", "refund-time"),
        ("iade ücreti kartıma yatmadı", "refund-time"),
        ("siparişimi iptal etmek istiyorum", "cancel-order"),
        ("yurt dışına gönderim var mı", "shipping-abroad"),
        ("kargo ücreti ne kadar", "shipping-abroad"),
        ("taksitle ödeme yapabilir miyim", "payment-methods"),
        ("kripto para ile ödeme", "payment-methods"),
        ("şirketim için fatura lazım", "download-invoice"),
        ("lamba kırık geldi", "damaged-item"),
        ("paket hasarlı", "damaged-item"),
        ("hediye kartı ne kadar geçerli", "gift-card"),
        ("HESABIMI SİLMEK istiyorum", "delete-account"),
    ],
    "fi": [
        ("unohdin salasanan", "reset-password"),
        ("uusi salasana", "reset-password"),
        ("sähköpostiosoitteen vaihto", "change-email"),
        ("missä pakettini on", "track-order"),
        ("tilauksen seurantanumero", "track-order"),
        ("miten palautan tuotteen", "return-item"),
        ("takin palautus", "return-item"),
        ("milloin saan rahani takaisin", "refund-time"),
        ("rahat eivät ole tulleet kortille", "refund-time"),
        ("haluan peruuttaa tilauksen", "cancel-order"),
        ("toimitatteko ulkomaille", "shipping-abroad"),
        ("paljonko toimitus maksaa", "shipping-abroad"),
        ("voiko maksaa osamaksulla", "payment-methods"),
        ("käykö kryptovaluutta", "payment-methods"),
        ("tarvitsen laskun yritykselle", "download-invoice"),
        ("lamppu tuli rikki", "damaged-item"),
        ("vahingoittunut paketti", "damaged-item"),
        ("kauanko lahjakortti on voimassa", "gift-card"),
        ("poista tilini ja tietoni", "delete-account"),
    ],
}

# Everyday words per language that fill the generated articles of the speed benchmark
# between the sentences above, so the vocabulary grows the way a real help center's does.
FILLER: dict[str, str] = {
    "en": "account order parcel delivery courier address profile invoice payment card "
    "refund return warranty size colour store app notification subscription discount "
    "coupon receipt product stock warehouse pickup locker exchange repair manual battery "
    "charger screen cable speaker headphones jacket shoes lamp table chair",
    "ru": "аккаунт заказ посылка доставка курьер адрес профиль счёт оплата карта возврат "
    "гарантия размер цвет магазин приложение уведомление подписка скидка купон чек товар "
    "склад самовывоз постамат обмен ремонт инструкция аккумулятор зарядка экран кабель "
    "колонка наушники куртка обувь лампа стол стул",
    "tr": "hesap sipariş paket teslimat kurye adres profil fatura ödeme kart iade garanti "
    "beden renk mağaza uygulama bildirim abonelik indirim kupon fiş ürün stok depo "
    "teslim dolap değişim tamir kılavuz pil şarj ekran kablo hoparlör kulaklık ceket "
    "ayakkabı lamba masa sandalye",
    "fi": "tili tilaus paketti toimitus kuriiri osoite profiili lasku maksu kortti palautus "
    "takuu koko väri kauppa sovellus ilmoitus tilaus alennus kuponki kuitti tuote varasto "
    "nouto pakettiautomaatti vaihto korjaus käyttöohje akku laturi näyttö kaapeli kaiutin "
    "kuulokkeet takki kengät lamppu pöytä tuoli",
}
