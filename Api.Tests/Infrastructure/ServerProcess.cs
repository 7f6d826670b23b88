using System.Diagnostics;

namespace JsonApiInvites.Api.Tests.Infrastructure;

/// <summary>
/// The server's executable run as a real process (<c>dotnet JsonApiInvites.Api.dll</c>), in a working folder of its
/// own (or one given, shared by processes run one after another: a restart), with its output going to files (a
/// console logger writing into a full pipe would block it).
/// </summary>
public sealed partial class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly bool _ownsDirectory;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    private ServerProcess(IReadOnlyDictionary<string, string> environment, IEnumerable<string> args, string? directory = null)
    {
        _ownsDirectory = directory is null;
        _directory = directory ?? NewFolder();
        Directory.CreateDirectory(_directory);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _directory,
            UseShellExecute = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "JsonApiInvites.Api.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["Urls"] = "http://127.0.0.1:0";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        // Through the shell, so that stdout and stderr go straight to files.
        var command = string.Join(' ', start.ArgumentList.Select(Quote));
        start.ArgumentList.Clear();
        start.FileName = "/bin/sh";
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec dotnet {command} > {Quote(StdoutPath)} 2> {Quote(StderrPath)}");
        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
    }

    public string StdoutPath => Path.Combine(_directory, $"stdout-{_run}.log");

    public string StderrPath => Path.Combine(_directory, $"stderr-{_run}.log");

    /// <summary>A new folder path for a server process to run in (its working directory), under the tests' temporary folder.</summary>
    public static string NewFolder() => Path.Combine(Path.GetTempPath(), "jsonapi-invites-tests", "process-" + Guid.NewGuid().ToString("N"));

    /// <summary>The server's own process (the shell that started it replaced itself with it).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Where a server started by <see cref="StartAsync"/> listens.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Starts the server in <paramref name="directory"/> and waits until it listens (at most <paramref name="timeout"/>).</summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> environment, string directory, TimeSpan timeout)
    {
        var server = new ServerProcess(environment, [], directory);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var output = File.Exists(server.StdoutPath) ? await ReadSharedAsync(server.StdoutPath) : string.Empty;
            if (Listening().Match(output) is { Success: true } match)
            {
                server.BaseAddress = new Uri(match.Groups[1].Value);
                return server;
            }

            if (server._process.HasExited)
            {
                break;
            }

            await Task.Delay(50);
        }

        var error = File.Exists(server.StderrPath) ? await ReadSharedAsync(server.StderrPath) : string.Empty;
        server.Dispose();
        Assert.Fail($"The server did not start listening within {timeout}: {error}");
        return server;
    }

    /// <summary>SIGKILL: the process dies at once, as in a crash or an out-of-memory kill.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as a service manager stops a server: waits until it has stopped, and returns its exit code.</summary>
    public int Terminate(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        Assert.That(_process.WaitForExit(timeout), Is.True, $"the server stopped within {timeout} of SIGTERM");
        return _process.ExitCode;
    }

    /// <summary>What the server wrote to standard output so far.</summary>
    public Task<string> OutputAsync() => ReadSharedAsync(StdoutPath);

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Now listening on: (http://[0-9A-Za-z.:\[\]*+-]+)")]
    private static partial System.Text.RegularExpressions.Regex Listening();

    /// <summary>Runs the server with <paramref name="environment"/> until it exits (at most <paramref name="timeout"/>); returns its exit code and output.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunToExitAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args) =>
        RunToExitInAsync(null, environment, timeout, args);

    /// <summary>As <see cref="RunToExitAsync"/>, in <paramref name="directory"/> when given (a CLI verb on a server's data).</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunToExitInAsync(string? directory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        using var server = new ServerProcess(environment, args, directory);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await server._process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            server._process.Kill(entireProcessTree: true);
            Assert.Fail($"The server did not exit within {timeout}: {await File.ReadAllTextAsync(server.StdoutPath)}");
        }

        return (server._process.ExitCode, await File.ReadAllTextAsync(server.StdoutPath), await File.ReadAllTextAsync(server.StderrPath));
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        if (!_ownsDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
