using System.Diagnostics;

namespace JsonApiInvites.Api.Tests.Infrastructure;

/// <summary>
/// The server's executable run as a real process (<c>dotnet JsonApiInvites.Api.dll</c>), in a working folder of its
/// own, with its output going to files (a console logger writing into a full pipe would block it).
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private ServerProcess(IReadOnlyDictionary<string, string> environment, IEnumerable<string> args)
    {
        _directory = Path.Combine(Path.GetTempPath(), "jsonapi-invites-tests", "process-" + Guid.NewGuid().ToString("N"));
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

    public string StdoutPath => Path.Combine(_directory, "stdout.log");

    public string StderrPath => Path.Combine(_directory, "stderr.log");

    /// <summary>Runs the server with <paramref name="environment"/> until it exits (at most <paramref name="timeout"/>); returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunToExitAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        using var server = new ServerProcess(environment, args);
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
