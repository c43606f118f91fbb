{{define "title"}}Écrire au préfet{{end}}
{{define "main"}}
<h1>Écrire au préfet</h1>
<p>Ce formulaire vous permet d’adresser un courrier électronique au cabinet du préfet. Pour les démarches relatives aux titres, merci d’utiliser les téléservices de l’ANTS.</p>
<form method="post" action="/ecrire-au-prefet.php?envoi=1" name="ecrire">
<table border="0" cellpadding="2">
  <tr><td align="right">Nom&nbsp;:</td><td><input type="text" name="nom" size="35"></td></tr>
  <tr><td align="right">Prénom&nbsp;:</td><td><input type="text" name="prenom" size="35"></td></tr>
  <tr><td align="right">Courriel&nbsp;:</td><td><input type="text" name="email" size="35"></td></tr>
  <tr><td align="right">Téléphone&nbsp;:</td><td><input type="text" name="tel" size="14"></td></tr>
  <tr><td align="right">Adresse&nbsp;:</td><td><input type="text" name="adresse" size="45"></td></tr>
  <tr><td align="right">Code postal&nbsp;:</td><td><input type="text" name="code_postal" size="5"> Commune&nbsp;: <input type="text" name="commune" size="25"></td></tr>
  <tr><td align="right" valign="top">Votre message&nbsp;:</td><td><textarea name="message" rows="10" cols="48"></textarea></td></tr>
  <tr><td></td><td><input type="submit" name="envoyer" value="Envoyer le message »"></td></tr>
</table>
</form>
<p><i>Conformément à la loi « Informatique et Libertés », vous disposez d’un droit d’accès aux données qui vous concernent – œuvre commune des services de l’État.</i></p>
{{end}}
