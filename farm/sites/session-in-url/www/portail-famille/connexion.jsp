{{define "title"}}Portail famille - connexion{{end}}
{{define "main"}}
<h1>Portail famille</h1>
<form action="{{.Base}}/portail-famille/login.do;jsessionid=8F3A2C91D04B5E67A1C2D3E4F5061728" method="post">
  <div class="fr-input-group"><label class="fr-label" for="identifiant">Identifiant</label><input class="fr-input" id="identifiant" name="identifiant" autocomplete="username"></div>
  <div class="fr-input-group"><label class="fr-label" for="motdepasse">Mot de passe</label><input class="fr-input" type="password" id="motdepasse" name="motdepasse" autocomplete="current-password"></div>
  <button class="fr-btn" type="submit">Se connecter</button>
</form>
<ul>
  <li><a href="{{.Base}}/portail-famille/accueil.jsp;jsessionid=8F3A2C91D04B5E67A1C2D3E4F5061728">Consulter le portail sans se connecter</a></li>
  <li><a href="{{.Base}}/portail-famille/inscriptions.jsp;jsessionid=8F3A2C91D04B5E67A1C2D3E4F5061728">Calendrier des inscriptions</a></li>
</ul>
{{end}}
