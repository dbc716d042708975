"""Demo conversations in Finnish; agents use the informal "sinä", as Finnish shops do."""

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
            "Missä tilaukseni {order} on?",
            "Tilausta {order} ei ole vieläkään lähetetty",
            "Toimitusaika",
        ),
        openings=(
            "Tein tilauksen {order} kahdeksan päivää sitten, mutta seurantasivulla lukee yhä "
            "'Lähetystiedot vastaanotettu'. Osaatteko sanoa, milloin paketti oikeasti lähtee "
            "varastolta? Kyseessä on syntymäpäivälahja, joten aikataululla on väliä.",
            "Tilaukseni {order} piti tulla tiistaina, mutta mitään ei ole kuulunut. "
            "Kuljetusyhtiön sivuilla ei ole ollut liikettä viikonlopun jälkeen. "
            "Onko paketti kadonnut?",
        ),
        replies=(
            "Kiitos kärsivällisyydestäsi. Tarkistin tilauksesi {order}: paketti lähti "
            "varastoltamme eilen illalla, mutta kuljetusyhtiö skannasi sen myöhässä, siksi "
            "seuranta näytti pysähtyneeltä. Paketin pitäisi olla perillä kahden arkipäivän "
            "kuluessa.",
            "Pahoittelen odotusta. Kuljetusyhtiö vahvistaa, että tilaus {order} on heidän "
            "alueterminaalissaan ja lähtee huomenna jakeluun. Onko kotona joku vastaanottamassa, "
            "vai haluaisitko noutaa paketin noutopisteestä?",
        ),
        follow_ups=(
            "Kiitos tarkistuksesta. Odotan rauhassa, kunhan paketti ehtii viikonlopuksi.",
            "Noutopiste sopii paremmin, Kauppakadun lähikaupan pakettiautomaatti käy hyvin.",
        ),
        resolutions=(
            "Hyviä uutisia: kuljetusyhtiön mukaan tilaus {order} on toimitettu tänä aamuna. "
            "Toivottavasti lahja ilahduttaa! Suljen tämän pyynnön, mutta vastaa tähän "
            "viestiin, jos paketista puuttuu jotain.",
            "Valmista, ohjasin paketin noutopisteeseen. Saat tekstiviestin ja noutokoodin, kun "
            "paketti on perillä. Kiitos vielä kärsivällisyydestä.",
        ),
        notes=(
            "Kuljetusyhtiölle avattu selvityspyyntö tilauksen {order} puuttuvista "
            "skannauksista. Jos paketti ei liiku perjantaihin mennessä, lähetetään uusi ja "
            "haetaan korvausta kuljetusyhtiöltä.",
            "Jo kolmas myöhästynyt paketti samasta terminaalista tällä viikolla, välitän "
            "logistiikalle.",
        ),
    ),
    "damaged_delivery": ScenarioTexts(
        subjects=(
            "Paketti saapui vaurioituneena",
            "Rikkinäinen tuote tilauksessa {order}",
            "Tuote rikkoutui kuljetuksessa",
        ),
        openings=(
            "Tilauksen {order} laatikko tuli perille kulma ruttuun painuneena, ja sisällä "
            "ollut lasikannu on haljennut läpi. Liitin kuvat laatikosta ja kannusta. "
            "Mitä teen nyt?",
            "Valitettavasti tilauksen {order} kuudesta lautasesta kaksi oli rikki, kun avasin "
            "paketin. Laatikko näytti ulkoa ehjältä, joten lautaset oli varmaan pakattu liian "
            "löysästi.",
        ),
        replies=(
            "Olen todella pahoillani, että tilauksesi saapui tuollaisena, ja kiitos kuvista – "
            "ne riittävät meille. Voin lähettää uuden kannun heti veloituksetta; rikkinäistä "
            "ei tarvitse palauttaa, hävitäthän sen turvallisesti. Lähetetäänkö uusi?",
            "Tilauksesi ei olisi pitänyt saapua noin, pahoittelen. Haluatko rikkoutuneiden "
            "lautasten tilalle uudet vai hyvityksen, {amount}? Kummassakaan tapauksessa mitään "
            "ei tarvitse lähettää takaisin.",
        ),
        follow_ups=(
            "Kyllä kiitos. Voisitteko pakata sen tällä kertaa vähän huolellisemmin?",
            "Hyvitys sopii, kiitos. Pidän ne neljä ehjää lautasta.",
        ),
        resolutions=(
            "Uusi kannu on matkalla ylimääräisen pehmusteen ja 'Särkyvää'-tarran kanssa. Sen "
            "pitäisi olla perillä kolmen arkipäivän kuluessa.",
            "Hyvitin {amount} alkuperäiselle maksutavalle; pankista riippuen summa näkyy "
            "tililläsi 3–5 arkipäivän kuluessa. Pahoittelen vielä vaivaa.",
        ),
        notes=(
            "Asiakkaan kuvista näkyy, että laatikossa ei ollut juuri lainkaan täytettä. "
            "Ilmoitin pakkaamon vastaavalle, jotta särkyvät tuotteet pakataan kaksiseinäisiin "
            "laatikoihin.",
            "Hyvitys rikkoutuneista lautasista hyväksytty, palautusta ei tarvita.",
        ),
    ),
    "wrong_item": ScenarioTexts(
        subjects=(
            "Sain väärän tuotteen",
            "Sain jonkun toisen tilauksen",
            "Väärä tuote tilauksessa {order}",
        ),
        openings=(
            "Tilasin ison harmaan pellavaisen pussilakanan (tilaus {order}), mutta sain "
            "beigen yhden hengen koon. Voinko vaihtaa sen?",
            "Tänään tulleessa paketissa on vedenkeitin, vaikka tilasin leivänpaahtimen. "
            "Lähetysluettelossa on minun nimeni ja tilausnumero {order}.",
        ),
        replies=(
            "Pahoittelen sekaannusta! Lähetin sähköpostiisi maksetun palautuslipukkeen. Heti "
            "kun kuljetusyhtiö on skannannut paketin, lähetämme oikean tuotteen – sinun ei "
            "tarvitse odottaa, että palautus on perillä.",
            "Kiitos, että kerroit, ja pahoittelut. Voisitko lähettää kuvan itse tuotteessa "
            "olevasta tarrasta? Niin varasto löytää helpommin, missä vaihdos tapahtui.",
        ),
        follow_ups=(
            "Lipuke tulostettu ja paketti viety postiin, kuitti liitteenä.",
            "Kuva liitteenä. Viivakoodissa lukee jotain ihan muuta.",
        ),
        resolutions=(
            "Oikea tuote lähti tänään, ja seurantalinkki on sähköpostissasi. Kiitos avusta "
            "palautuksen kanssa.",
            "Syy löytyi: kaksi tilausta pakattiin samalla pisteellä samalla minuutilla. Oikea "
            "tuote on matkalla, ja vedenkeittimen saat pitää pahoittelumme merkiksi.",
        ),
        notes=(
            "Keräilyvirhe, piste 4. Varastoa tiedotettu.",
            "Asiakas saa pitää tuotteen, arvo alle palautusrajan.",
        ),
    ),
    "change_address": ScenarioTexts(
        subjects=("Toimitusosoitteen muutos", "Tilauksen {order} toimitusosoite"),
        openings=(
            "Huomasin juuri, että tilaus {order} on menossa vanhaan osoitteeseeni. Muutin "
            "viime kuussa. Voiko osoitteen vielä vaihtaa muotoon Satamakatu 14 B 3?",
            "Toimittakaa tilaus {order} kotiosoitteen sijaan työpaikalleni, olen koko viikon "
            "poissa kotoa. Työosoite on tallennettu tililleni toiseksi osoitteeksi.",
        ),
        replies=(
            "Ehdimme ajoissa: tilausta ei ollut vielä kerätty, joten päivitin osoitteen. "
            "Voisitko vahvistaa uuden osoitteen postinumeron?",
            "Paketti on jo luovutettu kuljetusyhtiölle, joten pyysin heitä ohjaamaan sen "
            "uuteen osoitteeseen. Yleensä he vahvistavat päivän sisällä, ja ilmoitan sinulle.",
        ),
        follow_ups=(
            "Postinumero on sama kuin ennen, vain katu vaihtui.",
            "Kiitos, seuraan sähköpostiani.",
        ),
        resolutions=(
            "Kaikki valmista: tilaus {order} toimitetaan uuteen osoitteeseen. Päivitin sen "
            "myös tilisi oletusosoitteeksi, jotta tulevat tilaukset menevät sinne.",
            "Kuljetusyhtiö vahvisti uudelleenohjauksen, ja uusi toimituspäivä on torstai.",
        ),
        notes=("Osoite muutettu ennen keräilyä, ei uudelleenohjausmaksua.",),
    ),
    "warranty_repair": ScenarioTexts(
        subjects=("Takuukorjaus", "Laite lakkasi toimimasta", "Kuuluuko tämä takuuseen?"),
        openings=(
            "Maaliskuussa ostamani kahvimylly ei enää käynnisty. Ei hajua, ei ääntä, se ei "
            "vain reagoi mihinkään. Onko se vielä takuussa?",
            "Tehosekoittimestani kuuluu muutaman sekunnin jälkeen hiovaa ääntä, ja siitä tulee "
            "palaneen hajua. Se on noin kahdeksan kuukautta vanha. Mitä voin tehdä?",
        ),
        replies=(
            "Kyllä, se kuuluu takuuseen: takuu on voimassa kaksi vuotta toimituspäivästä. "
            "Ennen kuin sovimme korjauksesta, kokeilisitko laitetta toisessa pistorasiassa? "
            "Jos se ei vieläkään toimi, haemme sen kuriirilla.",
            "Kuulostaa kuluneelta kytkimeltä, ja se kuuluu takuuseen. Älä käytä laitetta "
            "toistaiseksi. Voisitko lähettää sarjanumeron? Se löytyy moottoriosan pohjasta.",
        ),
        follow_ups=(
            "Kokeilin toista pistorasiaa, ei vieläkään mitään.",
            "Sarjanumero näkyy liitteenä olevassa kuvassa.",
        ),
        resolutions=(
            "Tilasin kuriirin hakemaan laitteen maanantaina klo 9–13. Korjaus kestää yleensä "
            "viikon, ja palautamme laitteen meidän kustannuksellamme.",
            "Koska korjaus kestäisi kolme viikkoa, lähetämme sinulle kokonaan uuden laitteen. "
            "Kuriiri vie vanhan mukanaan toimituksen yhteydessä.",
        ),
        notes=(
            "Samassa mallissa on ollut tällä neljänneksellä jo kolme moottorivikaa, pyysimme "
            "toimittajalta erän tarkistusta.",
        ),
    ),
    "complaint_service": ScenarioTexts(
        subjects=("Olen todella pettynyt", "Palaute palvelustanne", "Teitä ei saa kiinni"),
        openings=(
            "Kirjoitan jo kolmatta kertaa samasta puuttuvasta hyvityksestä. Joka kerta saan "
            "eri vastauksen, eikä mitään tapahdu. Odotin teiltä parempaa.",
            "Soitin tänään asiakaspalveluunne kahdesti ja jonotin molemmilla kerroilla yli "
            "40 minuuttia, kunnes puhelu katkesi. Maksullisessa tilauksessa tämä ei ole "
            "hyväksyttävää.",
        ),
        replies=(
            "Olet oikeassa, ja pyydän anteeksi. Sinun ei olisi pitänyt joutua toistamaan samaa "
            "asiaa. Luin koko viestiketjun ja hoidan asian nyt henkilökohtaisesti loppuun asti; "
            "kuulet minusta viimeistään huomenna puoleenpäivään mennessä.",
            "Pahoittelen jonotusaikaa, tuollaista palvelua emme halua antaa. Kertoisitko, mitä "
            "asiaa soitit? Hoidan sen tässä, niin sinun ei tarvitse soittaa uudestaan.",
        ),
        follow_ups=(
            "Kiitos. Haluan vain, että tämä saadaan vihdoin hoidettua.",
            "Soitin toimituksesta, joka ei koskaan tullut, sama tilaus kuin aiemmin.",
        ),
        resolutions=(
            "Nyt se on hoidettu: hyvitys on maksettu, ja lisäsin tilillesi vaivanpalkaksi "
            "{amount} ostosaldoa. Välitin palautteesi myös tiimin esihenkilölle.",
            "Toimittamatta jäänyt tilaus on lähetetty uudelleen pikatoimituksena. Merkitsin "
            "profiiliisi, että toivot yhteydenpitoa sähköpostilla, jotta sinun ei tarvitse "
            "enää jonottaa puhelimessa.",
        ),
        notes=(
            "Eskaloitu tiiminvetäjälle. Asiakas on ottanut yhteyttä kolmesti, ja kaksi "
            "vastausta oli ristiriidassa keskenään. Hyvitys hyväksytty.",
            "Puhelujonon ohjauksessa oli tänään vika klo 10–12, IT:lle ilmoitettu.",
        ),
    ),
    "refund_missing": ScenarioTexts(
        subjects=(
            "Hyvitystä ei ole kuulunut",
            "Missä hyvitykseni on?",
            "Tilauksen {order} palautuksen hyvitys",
        ),
        openings=(
            "Palautin tilauksen {order} kolme viikkoa sitten ja sain sähköpostin, että "
            "hyvitys on hyväksytty, mutta kortilleni ei ole vieläkään tullut mitään.",
            "Vahvistitte hyvityksen ({amount}) kuun toisena päivänä, mutta pankkini mukaan "
            "mitään ei ole tullut. Voisitteko lähettää viitetiedon, jolla pankki voi jäljittää "
            "maksun?",
        ),
        replies=(
            "Tarkistin asian: hyvitys, {amount}, lähetettiin kortillesi kuun neljäntenä "
            "päivänä. Joillakin pankeilla sen näkyminen kestää jopa kymmenen arkipäivää. "
            "Voisitko tarkistaa vielä ja kertoa, jos rahat eivät ole tulleet perjantaihin "
            "mennessä?",
            "Pahoittelen viivettä. Ensimmäinen hyvitysyritys todella epäonnistui, koska kortti "
            "oli vanhentunut. Voisitko lähettää tilinumeron (IBAN), jolle rahat maksetaan?",
        ),
        follow_ups=(
            "Nyt on perjantai eikä vieläkään mitään. Pankki pyytää ARN-numeroa.",
            "IBAN on liitteenä, tili on minun nimissäni.",
        ),
        resolutions=(
            "Tässä ARN-viite hyvitykselle ({amount}), pankkisi voi jäljittää maksun sen "
            "avulla. Lisäsin myös merkinnän, ettei sinulta kysytä tätä enää uudestaan.",
            "Tilisiirto ({amount}) lähti tänään, ja se on yleensä perillä seuraavana "
            "pankkipäivänä. Kiitos kärsivällisyydestäsi.",
        ),
        notes=(
            "Maksunvälittäjän mukaan hyvitys on maksettu; ARN kopioitu vastaukseen.",
            "Kortti vanhentunut, hyvitys palautui. Odotetaan IBANia, talous maksaa käsin.",
        ),
    ),
    "double_charge": ScenarioTexts(
        subjects=(
            "Veloitettiin kahdesti!",
            "Kaksinkertainen maksu tilauksesta {order}",
            "Kaksi veloitusta kortilla",
        ),
        openings=(
            "Minulta veloitettiin tilauksesta {order} kahdesti {amount}, molemmat samalla "
            "minuutilla. Palauttakaa toinen veloitus pikaisesti, tilini meni tämän takia "
            "miinukselle.",
            "Maksusivu jumittui, joten painoin 'Maksa' uudelleen, ja nyt näen kaksi maksua, "
            "kumpikin {amount}. Haluan vain yhden tilauksen.",
        ),
        replies=(
            "Pahoittelen, näen molemmat maksut. Jälkimmäinen on vain katevaraus, ja vapautin "
            "sen juuri; pankkisi pitäisi poistaa se päivän tai kahden sisällä.",
            "Kiitos, että kerroit heti. Näen kaksi tilausta – kumman haluat pitää? Peruutan "
            "toisen ja palautan {amount} saman tien.",
        ),
        follow_ups=(
            "Katevaraus on nyt poistunut, kiitos.",
            "Pidetään ensimmäinen, toisessa on vanha puhelinnumeroni.",
        ),
        resolutions=(
            "Kaikki on taas kunnossa: yksi tilaus, yksi maksu. Ilmoitin jumittuneesta "
            "maksusivusta kehittäjillemme, jotta sama ei toistu muille.",
            "Valmista: ensimmäinen tilaus on vahvistettu ja kaksoiskappale peruttu ja hyvitetty.",
        ),
        notes=(
            "Kaksinkertainen katevaraus lomakkeen tuplalähetyksestä. Kehittäjiä pyydetty "
            "lisäämään maksuvaiheeseen suojaus uudelleenlähetystä vastaan.",
        ),
    ),
    "invoice_request": ScenarioTexts(
        subjects=("Lasku tilauksesta {order}", "Laskupyyntö", "Lasku yrityksen nimellä"),
        openings=(
            "Voisitteko lähettää tilauksesta {order} laskun yrityksemme nimellä? Kirjanpitoa "
            "varten siinä pitää näkyä yrityksen nimi ja Y-tunnus.",
            "Olen hukannut laskun {invoice}, ja kirjanpitäjämme tarvitsee sen "
            "arvonlisäveroilmoitusta varten. Voisitteko lähettää kopion PDF-muodossa?",
        ),
        replies=(
            "Totta kai. Lähetä minulle yrityksen virallinen nimi, osoite ja Y-tunnus "
            "täsmälleen siinä muodossa kuin niiden pitää näkyä laskulla, niin laadin laskun "
            "uudelleen.",
            "Tässä kopio laskusta {invoice} PDF-muodossa. Kaikki laskusi löytyvät myös "
            "tililtäsi kohdasta 'Tilaukset', joten voit ladata ne milloin tahansa.",
        ),
        follow_ups=(
            "Tiedot ovat liitteenä, kiitos.",
            "Loistavaa, juuri tätä tarvitsin. Voisitteko lisätä siihen vielä ostotilausnumeromme?",
        ),
        resolutions=(
            "Korjattu lasku {invoice} yrityksesi tiedoilla ja Y-tunnuksella on liitteenä. "
            "Alkuperäinen lasku on mitätöity.",
            "Laadin laskun {invoice} uudelleen ostotilausnumerolla, se on liitteenä.",
        ),
        notes=("Lasku laadittu uudelleen, alkuperäisestä tehty hyvityslasku.",),
    ),
    "cancel_subscription": ScenarioTexts(
        subjects=(
            "Kahvitilaukseni",
            "Kysymys kestotilauksesta",
            "Kestotilauksen peruminen tai tauko",
        ),
        openings=(
            "Perukaa kuukausittainen kahvitilaukseni. Muutan ensi kuussa ulkomaille enkä "
            "pysty vastaanottamaan toimituksia.",
            "Haluaisin pitää kestotilauksessa kahden kuukauden tauon matkamme ajan. Onko "
            "tauko mahdollinen, vai pitääkö tilaus perua?",
        ),
        replies=(
            "Onnistuu. Ennen kuin perun sen: voit myös pitää enintään kolmen kuukauden tauon "
            "ja säilyttää nykyisen hintasi. Perutaanko vai pidetäänkö tauko?",
            "Tauko onnistuu, enintään kolmeksi kuukaudeksi. Laitoin tilauksen tauolle ensi "
            "kuusta alkaen; jatketaanko toimituksia automaattisesti tauon jälkeen?",
        ),
        follow_ups=(
            "Perukaa, kiitos, olen poissa ainakin vuoden.",
            "Kyllä, jatkakaa automaattisesti, kiitos.",
        ),
        resolutions=(
            "Tilauksesi on peruttu, eikä seuraavaa maksua veloiteta. Matkalla oleva laatikko "
            "on viimeinen. Onnea muuttoon!",
            "Valmista: toimitukset ovat tauolla kaksi kuukautta ja jatkuvat sitten "
            "automaattisesti. Saat sähköpostin viikkoa ennen ensimmäistä laatikkoa.",
        ),
        notes=("Asiakas ei halunnut alennustarjousta, tilaus peruttu ilman maksua.",),
    ),
    "login_problem": ScenarioTexts(
        subjects=("En pääse kirjautumaan", "Ongelma kirjautumisessa", "Tilini on lukittu"),
        openings=(
            "En pääse kirjautumaan tililleni. Olen nollannut salasanan kolme kertaa, mutta "
            "nollausviestiä ei tule, ei edes roskapostikansioon.",
            "Sivusto ilmoittaa, että tilini on lukittu liian monen yrityksen jälkeen. Olen "
            "varma, että kirjoitin oikean salasanan. Miten pääsen takaisin sisään?",
        ),
        replies=(
            "Pahoittelen hankaluutta. Sähköpostilokimme mukaan sähköpostipalvelusi hylkäsi "
            "nollausviestit. Voisitko tarkistaa, onko tilisi osoitteessa kirjoitusvirhe? "
            "Osoite päättyy '.con' eikä '.com'.",
            "Lukitus poistuu itsestään 30 minuutin kuluttua, mutta poistin sen nyt käsin. "
            "Kokeile uudelleen, ja jos salasana ei kelpaa, käytä 'Unohtuiko salasana?' "
            "-linkkiä.",
        ),
        follow_ups=(
            "Hups, siinä tosiaan on kirjoitusvirhe. Voitteko korjata sen?",
            "Ei toimi vieläkään, salasana on kuulemma väärä.",
        ),
        resolutions=(
            "Korjasin sähköpostiosoitteesi ja lähetin uuden nollauslinkin. Sen pitäisi tulla "
            "minuutin sisällä.",
            "Lähetin sinulle kertakäyttöisen kirjautumislinkin. Kun olet kirjautunut, voit "
            "vaihtaa salasanan kohdassa 'Profiili'. Kerro, jos jokin muu ei toimi.",
        ),
        notes=(
            "Sähköpostilokissa 'user unknown' -palautuksia. Kirjoitusvirhe osoitteessa "
            "vahvistettu.",
            "Lukituksen aiheutti salasanojen hallintaohjelma, joka täytti vanhan salasanan.",
        ),
    ),
    "two_factor_lost": ScenarioTexts(
        subjects=(
            "En saa kaksivaiheisen tunnistuksen koodeja",
            "Kaksivaiheisen tunnistuksen nollaus",
        ),
        openings=(
            "Puhelimeni varastettiin, ja sen mukana meni todennussovellus. Nyt en pääse "
            "kirjautumaan, koska sivusto pyytää koodia. Varakoodejakaan minulla ei ole.",
            "Vaihdoin puhelinta enkä siirtänyt todennussovellusta. Miten saan kaksivaiheisen "
            "tunnistuksen siirrettyä uuteen puhelimeen?",
        ),
        replies=(
            "Ikävä kuulla puhelimestasi. Tilisi suojaamiseksi meidän pitää varmistaa "
            "henkilöllisyytesi: kerro viimeisimmän tilauksesi maksukortin neljä viimeistä "
            "numeroa ja tilauksen likimääräinen päivämäärä.",
            "Voimme nollata kaksivaiheisen tunnistuksen, kun olemme varmistaneet "
            "henkilöllisyytesi. Mikä oli viimeisimmän tilauksesi toimitusosoitteen postinumero?",
        ),
        follow_ups=(
            "Kortin numero päättyy 4417, tilaus oli noin viime kuun kymmenentenä.",
            "Postinumero on sama kuin tililläni, viimeisin tilaus meni sinne.",
        ),
        resolutions=(
            "Kiitos, tiedot täsmäävät. Nollasin kaksivaiheisen tunnistuksen; seuraavalla "
            "kirjautumisella sinua pyydetään ottamaan se uudelleen käyttöön. Tallennathan "
            "varakoodit tällä kertaa.",
            "Henkilöllisyys varmistettu. Kaksivaiheinen tunnistus on pois päältä, kunnes otat "
            "sen käyttöön uudessa puhelimessa.",
        ),
        notes=(
            "Henkilöllisyys varmistettu viimeisimmän tilauksen ja kortin numeroiden avulla "
            "tilin palautusohjeen mukaisesti.",
        ),
    ),
    "app_crash": ScenarioTexts(
        subjects=(
            "Sovellus kaatuu",
            "Mobiilisovellus sulkeutuu itsestään",
            "Ongelma sovelluksessa päivityksen jälkeen",
        ),
        openings=(
            "Viimeisimmän päivityksen jälkeen sovellus sulkeutuu heti, kun avaan sen. "
            "Käynnistin puhelimen uudelleen ja asensin sovelluksen uudestaan, sama juttu.",
            "Aina kun napautan 'Omat tilaukset', sovellus jähmettyy hetkeksi ja sulkeutuu. "
            "Muuten sovellus toimii.",
        ),
        replies=(
            "Kiitos ilmoituksesta. Kertoisitko puhelimesi mallin ja käyttöjärjestelmän "
            "version? Sillä välin verkkosivumme toimii normaalisti puhelimen selaimessa.",
            "Olemme saaneet muutaman samanlaisen ilmoituksen. Mikä sovelluksen versio sinulla "
            "on? Sen näet kohdasta Asetukset > Tietoja.",
        ),
        follow_ups=("OnePlus 11, Androidin uusin versio.", "Versio 4.12.0, iPhone 12."),
        resolutions=(
            "Kehittäjämme löysivät syyn, ja versio 4.12.1 korjaa sen; se on nyt "
            "sovelluskaupassa. Kiitos tiedoista, niistä oli paljon apua.",
            "Korjaus on julkaistu. Kun päivität sovelluksen, tilauslistan pitäisi taas avautua "
            "normaalisti.",
        ),
        notes=(
            "Kaatuminen toistuu Android 14:llä, kun tilaushistoriassa on yli 50 tilausta. "
            "Bugi kirjattu mobiilitiimille.",
        ),
    ),
    "feature_suggestion": ScenarioTexts(
        subjects=("Ehdotus sovellukseen", "Idea verkkokauppaan", "Toive uudesta ominaisuudesta"),
        openings=(
            "Olisi hienoa, jos vanhoissa tilauksissa olisi 'Tilaa uudelleen' -painike. Ostan "
            "samat suodattimet parin kuukauden välein ja joudun etsimään ne joka kerta "
            "uudestaan.",
            "Olisiko sovellukseen tulossa tumma tila? Katson tilauksiani usein myöhään "
            "illalla, ja valkoinen näyttö häikäisee.",
        ),
        replies=(
            "Kiitos, tosi hyvä idea! Välitin sen tuotetiimille esimerkkisi kanssa. En voi "
            "luvata aikataulua, mutta kerromme, kun ominaisuus julkaistaan.",
            "Kiitos ehdotuksesta! Tätä on toivonut moni muukin asiakas, joten lisäsin äänesi "
            "pyyntöön.",
        ),
        follow_ups=("Kiva kuulla, että se on listalla, kiitos.",),
        resolutions=(
            "Hyviä uutisia: 'Tilaa uudelleen' -painike on nyt käytössä tilaussivulla sekä "
            "sovelluksessa että verkkosivuilla. Kiitos ideasta!",
            "Tumma tila tuli tämänpäiväisessä sovelluspäivityksessä, ja se seuraa puhelimesi "
            "asetusta.",
        ),
        notes=("Lisätty tuotetaululle, nyt 14 ääntä.",),
    ),
}

PACK = LanguagePack(
    code="fi",
    time_zones=("Europe/Helsinki",),
    customers=(
        Person("Liisa", "Virtanen", "f"),
        Person("Juha", "Mäkinen", "m"),
        Person("Sanna", "Nieminen", "f"),
        Person("Teemu", "Hämäläinen", "m"),
        Person("Elina", "Laine", "f"),
        Person("Antti", "Heikkinen", "m"),
        Person("Päivi", "Koskinen", "f"),
        Person("Ville", "Lehtonen", "m"),
        Person("Riikka", "Törmä", "f"),
        Person("Jari", "Mäkelä", "m"),
    ),
    scenarios=SCENARIOS,
    agent_greetings=("Hei {name},", "Moi {name},", "Hei {name}!"),
    agent_sign_offs=("Ystävällisin terveisin,", "Terveisin,", "Mukavaa päivänjatkoa!"),
    team_labels={SUPPORT: "Asiakaspalvelu", BILLING: "Laskutus", TECHNICAL: "Tekninen tuki"},
    customer_greetings=("Hei,", "Moi,", "Hyvää päivää,"),
    customer_sign_offs=("Kiitos,\n{first}", "Terveisin\n{full}", "{full}"),
    chasers=(
        "Onko tähän tullut mitään uutta? En ole vielä saanut vastausta.",
        "Palaan vielä aiempaan viestiini, onko asia työn alla?",
    ),
    thanks=("Kiitos paljon, nyt kaikki kunnossa!", "Mahtavaa, kiitos avusta."),
    welcome_replies=("Ole hyvä, mukavaa päivää!", "Hienoa, että asia ratkesi. Kaikkea hyvää!"),
    currency_format="{amount} €",
)
