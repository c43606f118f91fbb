{{define "title"}}Créer mon espace locataire{{end}}
{{define "main"}}
<h1>Créer mon espace locataire</h1>
<p>Munissez-vous de votre dernier avis d'échéance : votre numéro de contrat y figure.</p>
<form method="post" action="inscription.php?etape=2">
  <div class="fr-input-group"><label class="fr-label" for="contrat">Numéro de contrat de location</label><input class="fr-input" id="contrat" name="num_contrat"></div>
  <div class="fr-input-group"><label class="fr-label" for="i-nom">Nom</label><input class="fr-input" id="i-nom" name="nom"></div>
  <div class="fr-input-group"><label class="fr-label" for="i-prenom">Prénom</label><input class="fr-input" id="i-prenom" name="prenom"></div>
  <div class="fr-input-group"><label class="fr-label" for="i-email">Adresse électronique</label><input class="fr-input" type="email" id="i-email" name="email"></div>
  <div class="fr-input-group"><label class="fr-label" for="i-tel">Téléphone portable</label><input class="fr-input" type="tel" id="i-tel" name="portable"></div>
  <div class="fr-input-group"><label class="fr-label" for="i-mdp">Choisissez un mot de passe</label><input class="fr-input" type="password" id="i-mdp" name="mdp" autocomplete="new-password"></div>
  <div class="fr-input-group"><label class="fr-label" for="i-mdp2">Confirmez le mot de passe</label><input class="fr-input" type="password" id="i-mdp2" name="mdp_confirmation" autocomplete="new-password"></div>
  <button class="fr-btn" type="submit">Créer mon espace</button>
</form>
{{end}}
