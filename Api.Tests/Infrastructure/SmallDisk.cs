using System.Diagnostics;

namespace JsonApiInvites.Api.Tests.Infrastructure;

/// <summary>
/// A small tmpfs of a test's own (root only: <c>mount -t tmpfs</c>), to fill up or make read-only while a server
/// writes to it. Where the machine does not allow mounting, the test is skipped with a message saying so.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private readonly string _filler;

    private SmallDisk(string path)
    {
        Path = path;
        _filler = System.IO.Path.Combine(path, "filler.bin");
    }

    public string Path { get; }

    public static SmallDisk MountOrSkip(int megabytes)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "jsonapi-invites-disk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path);
        if (code != 0)
        {
            Directory.Delete(path);
            Assert.Ignore($"The disk-full test needs to mount a small tmpfs (as root, where the container allows it); this machine refused: {error.Trim()}");
        }

        return new SmallDisk(path);
    }

    /// <summary>Takes every free byte of the disk.</summary>
    public void Fill()
    {
        using var file = new FileStream(_filler, FileMode.Append, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        var block = new byte[64 * 1024];
        var size = block.Length;
        while (size > 0)
        {
            try
            {
                file.Write(block, 0, size);
                file.Flush();
            }
            catch (IOException)
            {
                size /= 2; // the disk is full down to this size of write; try smaller ones until nothing fits
            }
        }
    }

    /// <summary>Gives the space back.</summary>
    public void Free() => File.Delete(_filler);

    public void MakeReadOnly() => Remount("ro");

    public void MakeWritable() => Remount("rw");

    public void Dispose()
    {
        Run("umount", "-l", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // The mount point of a lazily unmounted tmpfs: harmless.
        }
    }

    private void Remount(string mode)
    {
        var (code, error) = Run("mount", "-o", "remount," + mode, Path);
        Assert.That(code, Is.Zero, error);
    }

    private static (int Code, string Error) Run(string command, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            return (-1, exception.Message);
        }
    }
}
