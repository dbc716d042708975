"""Demo conversations in Turkish; agents address customers as "Ad Hanım" or "Ad Bey"."""

from concierge.system.demo.scenarios import (
    BILLING,
    SUPPORT,
    TECHNICAL,
    LanguagePack,
    Person,
    ScenarioTexts,
)

SCENARIOS = {
    "order_status": ScenarioTexts(
        subjects=(
            "{order} numaralı siparişim nerede?",
            "Siparişim hâlâ kargoya verilmedi",
            "Teslimat tarihi hakkında",
        ),
        openings=(
            "Sekiz gün önce {order} numaralı siparişi verdim ama kargo takip sayfasında hâlâ "
            "'Gönderi oluşturuldu' yazıyor. Depodan ne zaman çıkacağını öğrenebilir miyim? "
            "Doğum günü hediyesi olduğu için tarih benim için önemli.",
            "{order} numaralı siparişimin salı günü teslim edilmesi gerekiyordu ama hiçbir "
            "şey gelmedi. Kargo firmasının sitesinde hafta sonundan beri hareket yok. "
            "Paket kayboldu mu?",
        ),
        replies=(
            "Sabrınız için teşekkür ederiz. {order} numaralı siparişinizi kontrol ettim: "
            "paket dün akşam depomuzdan çıktı, ancak kargo firması okutmayı geç yaptığı için "
            "takip bilgisi güncellenmemiş. İki iş günü içinde elinizde olması gerekiyor.",
            "Beklettiğimiz için özür dileriz. Kargo firması {order} numaralı siparişinizin "
            "bölge aktarma merkezinde olduğunu ve yarın dağıtıma çıkacağını teyit etti. "
            "Evde birileri olacak mı, yoksa bir teslim noktasından almayı mı tercih edersiniz?",
        ),
        follow_ups=(
            "Kontrol ettiğiniz için teşekkürler. Hafta sonuna yetişirse sorun yok, bekliyorum.",
            "Teslim noktası daha uygun, Bağdat Caddesi'ndeki marketin içindeki nokta olabilir.",
        ),
        resolutions=(
            "Güzel haber: kargo firmasına göre {order} numaralı sipariş bu sabah teslim "
            "edildi. Umarım hediye beğenilir! Talebi kapatıyorum, kutuda eksik bir şey olursa "
            "bu e-postayı yanıtlamanız yeterli.",
            "Tamamdır, paketi teslim noktasına yönlendirdim. Paket ulaştığında teslim kodunu "
            "içeren bir SMS alacaksınız. Anlayışınız için tekrar teşekkürler.",
        ),
        notes=(
            "{order} için eksik okutmalar nedeniyle kargo firmasında kayıt açıldı. Cumaya "
            "kadar hareket olmazsa yeniden gönderip kargo firmasından tazminat isteyeceğiz.",
            "Bu hafta aynı aktarma merkezinden geciken üçüncü paket, lojistik ekibine iletiyorum.",
        ),
    ),
    "damaged_delivery": ScenarioTexts(
        subjects=(
            "Paket hasarlı geldi",
            "{order} siparişinde kırık ürün",
            "Ürün kargoda zarar görmüş",
        ),
        openings=(
            "{order} numaralı siparişimin kutusu bir köşesi ezilmiş halde geldi ve içindeki "
            "cam sürahi boydan boya çatlamış. Kutunun ve sürahinin fotoğraflarını ekledim. "
            "Şimdi ne yapmam gerekiyor?",
            "Maalesef paketi açtığımda {order} siparişindeki altı tabaktan ikisi kırıktı. "
            "Dış kutu sağlam görünüyordu, sanırım tabaklar gevşek paketlenmiş.",
        ),
        replies=(
            "Siparişinizin bu şekilde ulaşmasına çok üzüldük; fotoğraflar için teşekkür "
            "ederiz, bunlar yeterli. Hemen ücretsiz olarak yenisini gönderebilirim; kırık "
            "sürahiyi iade etmenize gerek yok, lütfen dikkatlice atın. Göndermemi ister misiniz?",
            "Siparişinizin böyle ulaşmaması gerekirdi, özür dileriz. Kırık tabaklar için "
            "yenisini mi yoksa {amount} tutarında iadeyi mi tercih edersiniz? Her iki "
            "durumda da bir şey geri göndermenize gerek yok.",
        ),
        follow_ups=(
            "Evet, lütfen. Bu sefer biraz daha dikkatli paketleyebilir misiniz?",
            "İade olsun, teşekkürler. Sağlam kalan dört tabağı kullanacağım.",
        ),
        resolutions=(
            "Yeni ürün ekstra dolgu malzemesi ve 'Kırılacak eşya' etiketiyle yola çıktı. "
            "Üç iş günü içinde elinizde olur.",
            "{amount} tutarındaki iadeyi ödeme yaptığınız karta gerçekleştirdim; bankanıza "
            "bağlı olarak 3-5 iş günü içinde yansır. Yaşattığımız sorun için tekrar özür dileriz.",
        ),
        notes=(
            "Müşterinin fotoğraflarında kutuda neredeyse hiç dolgu malzemesi olmadığı "
            "görülüyor. Kırılacak ürünler çift katlı koliye konsun diye paketleme sorumlusuna "
            "bildirdim.",
            "Kırık tabaklar için iade onaylandı, ürün iadesi gerekmiyor.",
        ),
    ),
    "wrong_item": ScenarioTexts(
        subjects=(
            "Yanlış ürün geldi",
            "Başkasının siparişi bana gelmiş",
            "{order} siparişinde yanlış ürün",
        ),
        openings=(
            "Gri renkte büyük boy keten nevresim sipariş ettim ({order}) ama tek kişilik bej "
            "bir nevresim geldi. Değişim yapabilir miyiz?",
            "Bugün gelen pakette bir su ısıtıcısı var, oysa ben ekmek kızartma makinesi "
            "sipariş etmiştim. İrsaliyede benim adım ve {order} sipariş numarası yazıyor.",
        ),
        replies=(
            "Karışıklık için özür dileriz! E-posta adresinize ücretsiz bir iade etiketi "
            "gönderdim. Kargo paketi teslim aldığı anda doğru ürünü göndereceğiz, iadenin "
            "bize ulaşmasını beklemenize gerek yok.",
            "Bildirdiğiniz için teşekkür eder, özür dileriz. Ürünün üzerindeki etiketin "
            "fotoğrafını gönderebilir misiniz? Depo ekibi hatanın nerede olduğunu böylece "
            "daha kolay bulur.",
        ),
        follow_ups=(
            "Etiketi yazdırıp paketi kargoya verdim, fişi ekte gönderiyorum.",
            "Fotoğraf ekte. Barkodda bambaşka bir ürün yazıyor.",
        ),
        resolutions=(
            "Doğru ürün bugün kargoya verildi, takip bağlantısı e-postanızda. İade konusundaki "
            "yardımınız için teşekkürler.",
            "Sorunu bulduk: iki sipariş aynı dakikada aynı masada hazırlanmış. Doğru ürün yola "
            "çıktı; su ısıtıcısını da özrümüzün bir göstergesi olarak kullanabilirsiniz.",
        ),
        notes=(
            "Toplama hatası, 4 numaralı masa. Depo bilgilendirildi.",
            "Müşteri ürünü elinde tutabilir, tutar iade eşiğinin altında.",
        ),
    ),
    "change_address": ScenarioTexts(
        subjects=("Teslimat adresi değişikliği", "{order} siparişinin teslimat adresi"),
        openings=(
            "{order} numaralı siparişimin eski adresime gönderildiğini yeni fark ettim. "
            "Geçen ay taşındım. Adresi Çamlıca Sokak No: 14 Daire 3 olarak değiştirmek "
            "hâlâ mümkün mü?",
            "Lütfen {order} numaralı siparişi eve değil ofisime teslim edin, bütün hafta evde "
            "olmayacağım. Ofis adresi hesabımda ikinci adres olarak kayıtlı.",
        ),
        replies=(
            "Tam zamanında yakaladık: sipariş henüz hazırlanmamıştı, adresi güncelledim. "
            "Yeni adresin posta kodunu teyit edebilir misiniz?",
            "Paket kargo firmasına teslim edilmiş, bu yüzden yönlendirme talebi oluşturdum. "
            "Genellikle bir gün içinde onay veriyorlar, size haber vereceğim.",
        ),
        follow_ups=(
            "Posta kodu aynı, sadece sokak değişti.",
            "Teşekkürler, e-postamı takip ediyorum.",
        ),
        resolutions=(
            "Her şey hazır: {order} numaralı sipariş yeni adresinize gidecek. Sonraki "
            "siparişleriniz de oraya gitsin diye hesabınızdaki varsayılan adresi de güncelledim.",
            "Kargo firması yönlendirmeyi onayladı, yeni teslimat tarihi perşembe.",
        ),
        notes=("Adres, toplama öncesinde değiştirildi; yönlendirme ücreti yok.",),
    ),
    "warranty_repair": ScenarioTexts(
        subjects=(
            "Garanti kapsamında onarım",
            "Cihaz çalışmayı durdurdu",
            "Bu garantiye girer mi?",
        ),
        openings=(
            "Mart ayında aldığım kahve değirmeni artık açılmıyor. Ne koku var ne ses, hiç "
            "tepki vermiyor. Hâlâ garanti kapsamında mı?",
            "Blenderım birkaç saniye çalıştıktan sonra öğütme sesi çıkarıyor ve yanık kokusu "
            "geliyor. Yaklaşık sekiz aylık. Ne yapabilirim?",
        ),
        replies=(
            "Evet, garanti kapsamında: garanti teslimat tarihinden itibaren iki yıl geçerli. "
            "Onarımı ayarlamadan önce lütfen farklı bir prizde dener misiniz? Yine "
            "çalışmazsa kuryeyle teslim alacağız.",
            "Bu, kaplinin aşınmasına benziyor ve garanti kapsamında. Lütfen şimdilik "
            "kullanmayın. Motor gövdesinin altında yazan seri numarasını gönderebilir misiniz?",
        ),
        follow_ups=(
            "Başka bir prizde de denedim, yine açılmıyor.",
            "Seri numarası ekteki fotoğrafta.",
        ),
        resolutions=(
            "Pazartesi 9-13 arası için kurye ayarladım. Onarım genellikle bir hafta sürüyor, "
            "geri gönderim bizden.",
            "Onarım üç hafta süreceği için size yenisini gönderiyoruz. Kurye teslimat "
            "sırasında eskisini alacak.",
        ),
        notes=(
            "Bu modelde bu çeyrekte üçüncü motor arızası, tedarikçiden parti kontrolü istendi.",
        ),
    ),
    "complaint_service": ScenarioTexts(
        subjects=("Hizmetinizden hiç memnun değilim", "Şikâyet", "Size bir türlü ulaşamıyorum"),
        openings=(
            "Aynı iade için üçüncü kez yazıyorum. Her seferinde farklı bir cevap alıyorum ve "
            "hiçbir şey olmuyor. Sizden daha iyisini beklerdim.",
            "Bugün çağrı merkezinizi iki kez aradım, ikisinde de 40 dakikadan fazla bekledim "
            "ve sonunda hat kesildi. Ücretli bir abonelik için bu kabul edilemez.",
        ),
        replies=(
            "Haklısınız, özür dilerim. Aynı şeyi tekrar tekrar anlatmak zorunda "
            "kalmamalıydınız. Tüm yazışmayı okudum ve konu çözülene kadar bizzat ben takip "
            "ediyorum; en geç yarın öğlene kadar size dönüş yapacağım.",
            "Bu bekleme süresi için özür dileriz, vermek istediğimiz hizmet bu değil. Hangi "
            "konuda aradığınızı yazabilir misiniz? Tekrar aramanıza gerek kalmadan buradan "
            "çözeyim.",
        ),
        follow_ups=(
            "Teşekkürler. Sadece bu işin artık bitmesini istiyorum.",
            "Hiç gelmeyen teslimat için aramıştım, daha önceki siparişle aynı.",
        ),
        resolutions=(
            "Tamamlandı: iade işleminiz yapıldı ve yaşadıklarınız için hesabınıza {amount} "
            "tutarında bir kredi tanımladım. Geri bildiriminizi ekip liderimize de ilettim.",
            "Teslim edilmeyen sipariş hızlı kargoyla yeniden gönderildi. Profilinize "
            "e-postayı tercih ettiğinizi not ettim, bir daha telefonda beklemek zorunda "
            "kalmazsınız.",
        ),
        notes=(
            "Ekip liderine iletildi. Müşteri 3 kez yazmış, iki cevap birbiriyle çelişiyor. "
            "Telafi kredisi onaylandı.",
            "Bugün 10:00-12:00 arası çağrı yönlendirmesinde arıza vardı, BT ekibine bildirildi.",
        ),
    ),
    "refund_missing": ScenarioTexts(
        subjects=("İadem hesabıma geçmedi", "Para iadem nerede?", "{order} siparişinin iadesi"),
        openings=(
            "{order} numaralı siparişi üç hafta önce iade ettim ve iadenin onaylandığına dair "
            "bir e-posta aldım ama kartıma hâlâ bir şey yansımadı.",
            "Ayın 2'sinde {amount} tutarındaki iadeyi onayladınız ama bankam hiçbir iade "
            "gelmediğini söylüyor. Bankanın takip edebilmesi için bir referans numarası "
            "gönderebilir misiniz?",
        ),
        replies=(
            "Kontrol ettim: {amount} tutarındaki iade ayın 4'ünde kartınıza gönderilmiş. Bazı "
            "bankalarda yansıması on iş gününü bulabiliyor. Cuma gününe kadar hâlâ "
            "görünmezse bize yazar mısınız?",
            "Gecikme için özür dileriz. İlk iade denemesi gerçekten başarısız olmuş, çünkü "
            "kartın süresi dolmuş. Paranın gönderilmesini istediğiniz IBAN'ı yazabilir misiniz?",
        ),
        follow_ups=(
            "Cuma oldu, hâlâ yok. Banka ARN numarasını istiyor.",
            "IBAN bilgisi ekte, hesap benim adıma.",
        ),
        resolutions=(
            "{amount} tutarındaki iadenin ARN numarasını aşağıya ekledim, bankanız ödemeyi bu "
            "numarayla takip edebilir. Bir daha sorulmaması için hesabınıza not da düştüm.",
            "{amount} tutarındaki havale bugün gönderildi, genellikle bir sonraki iş günü "
            "hesaba geçer. Sabrınız için teşekkürler.",
        ),
        notes=(
            "Ödeme sağlayıcısında iade tamamlanmış görünüyor; ARN yanıta eklendi.",
            "Kartın süresi dolmuş, iade geri döndü. IBAN bekleniyor, muhasebe elle havale yapacak.",
        ),
    ),
    "double_charge": ScenarioTexts(
        subjects=(
            "Kartımdan iki kez çekim yapıldı!",
            "{order} için çift ödeme",
            "Kartımda iki ödeme var",
        ),
        openings=(
            "{order} numaralı sipariş için kartımdan aynı dakika içinde iki kez {amount} "
            "çekildi. Lütfen birini acilen iade edin, bu yüzden hesabım eksiye düştü.",
            "Ödeme sayfası donunca 'Öde' butonuna tekrar bastım, şimdi {amount} tutarında iki "
            "ödeme görüyorum. Sadece bir sipariş istiyorum.",
        ),
        replies=(
            "Özür dilerim, iki ödemeyi de görüyorum. İkincisi yalnızca bir provizyon, onu "
            "şimdi kaldırdım; bankanız bir iki gün içinde tutarı serbest bırakır.",
            "Hemen haber verdiğiniz için teşekkürler. İki sipariş görüyorum; hangisini tutmak "
            "istersiniz? Diğerini iptal edip {amount} tutarını hemen iade edeceğim.",
        ),
        follow_ups=(
            "Provizyon kalktı, teşekkürler.",
            "Lütfen ilkini tutun, ikincisinde eski telefon numaram var.",
        ),
        resolutions=(
            "Her şey normale döndü: bir sipariş, bir ödeme. Ödeme sayfasındaki donma sorununu "
            "da başkasının başına gelmemesi için yazılım ekibimize bildirdim.",
            "Tamamdır, ilk sipariş onaylandı, ikincisi iptal edilip iade edildi.",
        ),
        notes=(
            "Formun iki kez gönderilmesinden kaynaklanan çift provizyon. Yazılım ekibinden "
            "ödeme adımına tekrar gönderim koruması eklemesi istendi.",
        ),
    ),
    "invoice_request": ScenarioTexts(
        subjects=("{order} siparişi için fatura", "Fatura talebi", "Şirket adına fatura"),
        openings=(
            "{order} numaralı sipariş için şirketimiz adına kurumsal fatura gönderebilir "
            "misiniz? Muhasebe için unvanımızın, vergi dairemizin ve vergi numaramızın yer "
            "alması gerekiyor.",
            "{invoice} numaralı faturayı kaybettim, muhasebecimizin geçici vergi beyannamesi "
            "için ihtiyacı var. PDF olarak bir kopyasını gönderebilir misiniz?",
        ),
        replies=(
            "Tabii ki. Şirketin tam unvanını, adresini, vergi dairesini ve vergi numarasını "
            "faturada görünmesi gerektiği şekilde gönderirseniz faturayı yeniden düzenlerim.",
            "{invoice} numaralı faturanın PDF kopyası ekte. Tüm faturalarınız hesabınızdaki "
            "'Siparişlerim' bölümünde de duruyor, istediğiniz zaman indirebilirsiniz.",
        ),
        follow_ups=(
            "Bilgiler ekteki dosyada, teşekkürler.",
            "Harika, tam ihtiyacım olan buydu. Satın alma sipariş numaramızı da ekleyebilir "
            "misiniz?",
        ),
        resolutions=(
            "Şirket bilgilerinizle düzenlenen {invoice} numaralı fatura ekte. Eski fatura "
            "iptal edildi.",
            "{invoice} numaralı faturayı satın alma sipariş numaranızla yeniden düzenledim, "
            "ekte bulabilirsiniz.",
        ),
        notes=("Fatura yeniden düzenlendi, ilk fatura için iade faturası kesildi.",),
    ),
    "cancel_subscription": ScenarioTexts(
        subjects=(
            "Kahve aboneliğim",
            "Abonelik hakkında soru",
            "Aboneliği iptal etme ya da dondurma",
        ),
        openings=(
            "Lütfen aylık kahve aboneliğimi iptal edin. Gelecek ay yurt dışına taşınıyorum, "
            "teslimatları teslim alamayacağım.",
            "Seyahatte olacağımız için aboneliğimi iki ay dondurmak istiyorum. Bu mümkün mü, "
            "yoksa iptal mi etmem gerekiyor?",
        ),
        replies=(
            "Elbette. Yalnız şunu belirteyim: mevcut fiyatınızı korumak isterseniz aboneliği "
            "üç aya kadar dondurabilirsiniz. İptal mi edelim, yoksa donduralım mı?",
            "Dondurmak mümkün, üç aya kadar. Aboneliğinizi gelecek aydan itibaren dondurdum; "
            "süre bitince otomatik olarak yeniden başlasın mı?",
        ),
        follow_ups=(
            "İptal edin lütfen, en az bir yıl dönmeyeceğim.",
            "Evet, otomatik başlasın, teşekkürler.",
        ),
        resolutions=(
            "Aboneliğiniz iptal edildi, bir sonraki ödeme alınmayacak. Yolda olan kutu son "
            "kutunuz. Taşınmanızda kolaylıklar dileriz!",
            "Tamamdır: teslimatlar iki ay duracak ve ardından otomatik olarak yeniden "
            "başlayacak. İlk kutudan bir hafta önce size e-posta göndereceğiz.",
        ),
        notes=("Müşteri indirim teklifini kabul etmedi, abonelik ücretsiz iptal edildi.",),
    ),
    "login_problem": ScenarioTexts(
        subjects=("Giriş yapamıyorum", "Hesabıma girişte sorun", "Hesabım kilitlendi"),
        openings=(
            "Hesabıma giriş yapamıyorum. Şifremi üç kez sıfırladım ama sıfırlama e-postası "
            "hiç gelmiyor, istenmeyen klasöründe de yok.",
            "Site çok fazla deneme yapıldığı için hesabımın kilitlendiğini söylüyor. Doğru "
            "şifreyi girdiğimden eminim. Nasıl tekrar girebilirim?",
        ),
        replies=(
            "Yaşadığınız sorun için özür dileriz. E-posta kayıtlarımız, sıfırlama "
            "mesajlarının e-posta sağlayıcınız tarafından reddedildiğini gösteriyor. "
            "Hesabınızdaki adreste yazım hatası olabilir mi? Adres '.com' yerine '.con' ile "
            "bitiyor.",
            "Kilit 30 dakika sonra kendiliğinden kalkıyor ama ben şimdi kaldırdım. Lütfen "
            "tekrar deneyin; şifre yine kabul edilmezse 'Şifremi unuttum' bağlantısını kullanın.",
        ),
        follow_ups=(
            "Ah, gerçekten yazım hatası varmış. Düzeltebilir misiniz?",
            "Yine olmuyor, şifre yanlış diyor.",
        ),
        resolutions=(
            "E-posta adresinizi düzelttim ve yeni bir sıfırlama bağlantısı gönderdim. Bir "
            "dakika içinde gelmesi gerekir.",
            "Size tek kullanımlık bir giriş bağlantısı gönderdim. Giriş yaptıktan sonra "
            "'Profil' bölümünden yeni bir şifre belirleyebilirsiniz. Başka bir sorun olursa "
            "bize yazın.",
        ),
        notes=(
            "E-posta kayıtlarında 'user unknown' geri dönüşleri var. Adresteki yazım hatası "
            "doğrulandı.",
            "Kilitlenmeye, eski şifreyi otomatik dolduran şifre yöneticisi neden olmuş.",
        ),
    ),
    "two_factor_lost": ScenarioTexts(
        subjects=("Doğrulama kodlarına erişemiyorum", "İki adımlı doğrulamayı sıfırlama"),
        openings=(
            "Telefonum çalındı, doğrulama uygulaması da onunla gitti. Şimdi site kod istediği "
            "için giriş yapamıyorum. Yedek kodlarım da yok.",
            "Telefonumu değiştirdim ve doğrulama uygulamasını taşımadım. İki adımlı "
            "doğrulamayı yeni telefona nasıl aktarabilirim?",
        ),
        replies=(
            "Telefonunuz için çok üzüldüm. Hesabınızı korumak için sizin olduğunuzu "
            "doğrulamamız gerekiyor: son siparişinizde kullanılan kartın son dört hanesini ve "
            "siparişin yaklaşık tarihini yazabilir misiniz?",
            "Kimliğinizi doğruladıktan sonra iki adımlı doğrulamayı sıfırlayabiliriz. Son "
            "siparişinizin teslimat posta kodunu yazabilir misiniz?",
        ),
        follow_ups=(
            "Kartın son dört hanesi 4417, sipariş geçen ayın 10'u civarındaydı.",
            "Posta kodu hesabımdakiyle aynı, son sipariş oraya gelmişti.",
        ),
        resolutions=(
            "Teşekkürler, bilgiler eşleşiyor. İki adımlı doğrulamayı sıfırladım; bir sonraki "
            "girişinizde yeniden kurmanız istenecek. Lütfen bu sefer yedek kodları saklayın.",
            "Doğrulama tamamlandı. Yeni telefonda yeniden kurana kadar iki adımlı doğrulama "
            "kapalı.",
        ),
        notes=(
            "Kimlik, son sipariş ve kart haneleriyle hesap kurtarma prosedürüne göre doğrulandı.",
        ),
    ),
    "app_crash": ScenarioTexts(
        subjects=(
            "Uygulama sürekli kapanıyor",
            "Mobil uygulama kendi kendine kapanıyor",
            "Güncellemeden sonra uygulamada sorun",
        ),
        openings=(
            "Son güncellemeden beri uygulama açılır açılmaz kapanıyor. Telefonu yeniden "
            "başlattım, uygulamayı silip tekrar yükledim, yine aynı.",
            "'Siparişlerim'e her dokunduğumda uygulama bir saniye donuyor ve kapanıyor. "
            "Uygulamanın geri kalanı çalışıyor.",
        ),
        replies=(
            "Bildiriminiz için teşekkürler. Telefonunuzun modelini ve işletim sistemi sürümünü "
            "yazabilir misiniz? Bu arada web sitemiz telefonun tarayıcısında sorunsuz çalışıyor.",
            "Buna benzer birkaç bildirim aldık. Uygulamanın hangi sürümünü kullanıyorsunuz? "
            "Ayarlar > Hakkında bölümünde görebilirsiniz.",
        ),
        follow_ups=("Samsung Galaxy A54, Android'in son sürümü.", "iPhone 12'de 4.12.0 sürümü."),
        resolutions=(
            "Yazılım ekibimiz sorunun nedenini buldu; 4.12.1 sürümü sorunu gideriyor ve şu an "
            "uygulama mağazasında. Verdiğiniz ayrıntılar için teşekkürler, çok işimize yaradı.",
            "Düzeltme yayınlandı. Uygulamayı güncelledikten sonra sipariş listesi yeniden "
            "normal şekilde açılacaktır.",
        ),
        notes=(
            "Çökme, Android 14'te 50'den fazla siparişi olan hesaplarda tekrarlanıyor. Hata "
            "mobil ekibe iletildi.",
        ),
    ),
    "feature_suggestion": ScenarioTexts(
        subjects=("Uygulama için bir öneri", "Mağaza için fikir", "Özellik isteği"),
        openings=(
            "Geçmiş siparişlerde 'Tekrar sipariş ver' butonu olsa çok iyi olurdu. İki ayda "
            "bir aynı filtreleri alıyorum ve her seferinde yeniden arıyorum.",
            "Uygulamaya karanlık mod gelme ihtimali var mı? Siparişlerime genelde gece geç "
            "saatte bakıyorum ve beyaz ekran göz alıyor.",
        ),
        replies=(
            "Teşekkürler, çok güzel bir fikir! Örneğinizle birlikte ürün ekibine ilettim. "
            "Bir tarih veremem ama yayına alınırsa size haber vereceğiz.",
            "Öneriniz için teşekkürler! Bunu isteyen başka müşterilerimiz de var, oyunuzu "
            "talebe ekledim.",
        ),
        follow_ups=("Listede olduğunu duymak güzel, teşekkürler.",),
        resolutions=(
            "Güzel haber: 'Tekrar sipariş ver' butonu artık hem uygulamada hem web sitesinde "
            "siparişler sayfasında. Fikriniz için teşekkürler!",
            "Karanlık mod bugünkü uygulama güncellemesiyle geldi ve telefonunuzun ayarını "
            "takip ediyor.",
        ),
        notes=("Ürün panosuna eklendi, şu an 14 oy var.",),
    ),
}

PACK = LanguagePack(
    code="tr",
    time_zones=("Europe/Istanbul",),
    customers=(
        Person("Elif", "Yılmaz", "f"),
        Person("Mehmet", "Demir", "m"),
        Person("Ayşe", "Kaya", "f"),
        Person("Burak", "Çelik", "m"),
        Person("Gül", "Şahin", "f"),
        Person("Oğuz", "Aydın", "m"),
        Person("İrem", "Öztürk", "f"),
        Person("Can", "Doğan", "m"),
        Person("Büşra", "Kılıç", "f"),
        Person("İsmail", "Koç", "m"),
    ),
    scenarios=SCENARIOS,
    agent_greetings=("Merhaba {name},", "Sayın {name},", "İyi günler {name},"),
    agent_sign_offs=("Saygılarımızla,", "İyi günler dileriz,", "Selamlar,"),
    team_labels={
        SUPPORT: "Müşteri Hizmetleri",
        BILLING: "Fatura ve Ödemeler",
        TECHNICAL: "Teknik Destek",
    },
    customer_greetings=("Merhaba,", "İyi günler,", "Merhabalar,"),
    customer_sign_offs=("Teşekkürler,\n{first}", "İyi çalışmalar,\n{full}", "{full}"),
    chasers=(
        "Bu konuda bir gelişme var mı? Henüz bir dönüş almadım.",
        "Daha önce yazdığım mesajla ilgili tekrar yazıyorum.",
    ),
    thanks=("Çok teşekkürler, sorun çözüldü!", "Harika, yardımınız için teşekkür ederim."),
    welcome_replies=(
        "Rica ederiz, iyi günler dileriz!",
        "Sorunun çözülmesine sevindik, kendinize iyi bakın.",
    ),
    address_forms={"f": "{first} Hanım", "m": "{first} Bey"},
    currency_format="{amount} TL",
    price_scale=35,
)
