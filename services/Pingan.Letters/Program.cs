var app = Pingan.Letters.LettersApplication.Create(args);
return await Pingan.ServiceDefaults.ServiceDefaultsExtensions.RunServiceAsync(app, args);
