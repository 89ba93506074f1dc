using MeshRpc.Generators.TypeScript;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

// MeshRpc.StubWriter ASSEMBLY REFERENCES-FILE OUTPUT-FOLDER: writes the TypeScript stub of every [MeshWorker] interface
// the compiled ASSEMBLY declares. REFERENCES-FILE lists the assemblies it was compiled against, one path per line.
if (args.Length != 3)
{
    Console.Error.WriteLine("MeshRpc.StubWriter: expected ASSEMBLY REFERENCES-FILE OUTPUT-FOLDER; MeshRpc.Runtime.targets passes them.");
    return 2;
}

var (assemblyPath, referencesPath, outputFolder) = (args[0], args[1], args[2]);
foreach (var input in new[] { assemblyPath, referencesPath })
{
    if (!File.Exists(input))
    {
        Console.Error.WriteLine($"MeshRpc.StubWriter: '{input}' does not exist; build the project before writing its stubs.");
        return 2;
    }
}

var assembly = MetadataReference.CreateFromFile(assemblyPath);
var references = File.ReadAllLines(referencesPath)
    .Where(path => path.Length > 0 && File.Exists(path))
    .Select(path => MetadataReference.CreateFromFile(path));

// MetadataImportOptions.All: an internal contract's members are part of its stub too.
var compilation = CSharpCompilation.Create(
    "MeshRpc.StubWriter.Host",
    references: references.Append(assembly),
    options: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, metadataImportOptions: MetadataImportOptions.All));
if (compilation.GetAssemblyOrModuleSymbol(assembly) is not IAssemblySymbol contracts)
{
    Console.Error.WriteLine($"MeshRpc.StubWriter: '{assemblyPath}' is not a .NET assembly.");
    return 2;
}

Directory.CreateDirectory(outputFolder);
foreach (var stub in StubFiles.Of(contracts, CancellationToken.None))
{
    // Unchanged stubs keep their timestamps, so a watching tsc or bundler does not rebuild for nothing.
    var path = Path.Combine(outputFolder, stub.FileName);
    if (!File.Exists(path) || File.ReadAllText(path) != stub.Text)
    {
        File.WriteAllText(path, stub.Text);
    }
}

return 0;
