var app = Pingan.Archives.ArchivesApplication.Create(args);
return await Pingan.ServiceDefaults.ServiceDefaultsExtensions.RunServiceAsync(app, args);
