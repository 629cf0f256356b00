var app = Pingan.DepartmentSystems.DepartmentSystemsApp.Create(args);
await app.RunAsync();
