{{define "title"}}Espace patient - connexion{{end}}
{{define "main"}}
<h1>Espace patient</h1>
<p>Connectez-vous avec l'identifiant figurant sur votre bon de prélèvement.</p>
<form action="http://www.{{.D}}/espace/login.do;jsessionid=5C1E0A7B93D2468FA0B1C2D3E4F50617" method="post">
  <div class="fr-input-group"><label class="fr-label" for="identifiant">Identifiant</label><input class="fr-input" id="identifiant" name="identifiant" autocomplete="username"></div>
  <div class="fr-input-group"><label class="fr-label" for="motdepasse">Mot de passe</label><input class="fr-input" type="password" id="motdepasse" name="motdepasse" autocomplete="current-password"></div>
  <button class="fr-btn" type="submit">Se connecter</button>
</form>
<p><a href="{{.Base}}/espace/horaires.jsp;jsessionid=5C1E0A7B93D2468FA0B1C2D3E4F50617">Horaires des centres de prélèvement</a></p>
{{end}}
