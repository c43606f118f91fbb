{{define "title"}}Nous contacter{{end}}
{{define "main"}}
<h1>Nous contacter</h1>
<p>Pour toute question relative à vos démarches, vous pouvez écrire aux services de la préfecture au moyen du formulaire ci-dessous. Les champs marqués d'un astérisque (*) sont obligatoires.</p>
<form name="formContact" method="post" action="traitement_contact.php">
<input type="hidden" name="action" value="envoi">
<table border="0" cellpadding="3" cellspacing="0">
  <tr><td>Civilité *</td><td><select name="civilite"><option value="">--</option><option value="M">Monsieur</option><option value="Mme">Madame</option></select></td></tr>
  <tr><td><label for="nom">Nom *</label></td><td><input type="text" name="nom" id="nom" size="40" maxlength="50"></td></tr>
  <tr><td><label for="prenom">Prénom *</label></td><td><input type="text" name="prenom" id="prenom" size="40"></td></tr>
  <tr><td><label for="courriel">Adresse électronique *</label></td><td><input type="text" name="courriel" id="courriel" size="40"></td></tr>
  <tr><td><label for="telephone">Téléphone</label></td><td><input type="text" name="telephone" id="telephone" size="15"></td></tr>
  <tr><td><label for="adresse">Adresse postale</label></td><td><input type="text" name="adresse" id="adresse" size="50"></td></tr>
  <tr><td><label for="cp">Code postal</label></td><td><input type="text" name="cp" id="cp" size="5" maxlength="5"></td></tr>
  <tr><td><label for="ville">Ville</label></td><td><input type="text" name="ville" id="ville" size="30"></td></tr>
  <tr><td><label for="objet">Objet de votre demande</label></td><td><select name="objet" id="objet"><option>Carte grise</option><option>Permis de conduire</option><option>Titre de séjour</option><option>Naturalisation</option><option>Autre</option></select></td></tr>
  <tr><td valign="top"><label for="message">Votre message *</label></td><td><textarea name="message" id="message" rows="8" cols="50"></textarea></td></tr>
  <tr><td>&nbsp;</td><td><input type="submit" value="Envoyer"> <input type="reset" value="Effacer"></td></tr>
</table>
</form>
<p><small>Les informations recueillies font l'objet d'un traitement informatique destiné au service du courrier de la préfecture. Conformément à la loi « informatique et libertés » du 6 janvier 1978 modifiée, vous bénéficiez d'un droit d'accès et de rectification aux informations qui vous concernent.</small></p>
{{end}}
