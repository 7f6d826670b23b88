using System.Runtime.InteropServices;
using System.Text.Json;
using JsonApiInvites.Api.Configuration;

namespace JsonApiInvites.Api.Tests.Deployment;

/// <summary>
/// What keeps the server's memory down (README, "Memory"): the GC's gen0 budget capped in the runtime configuration the
/// server's process starts with, and free native memory given back to the system.
/// </summary>
public sealed class MemoryTests
{
    [Test]
    public void The_server_starts_with_the_gen0_budget_capped()
    {
        // The file the runtime reads when `dotnet JsonApiInvites.Api.dll` starts (the real process of the other tests).
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "JsonApiInvites.Api.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.Multiple(() =>
        {
            Assert.That(properties.GetProperty("System.GC.Gen0MaxBudget").GetInt64(), Is.EqualTo(8L * 1024 * 1024));
            Assert.That(properties.GetProperty("System.GC.Server").GetBoolean(), Is.True, "Server GC, as the Web SDK sets");
        });
    }

    [Test]
    [Platform(Include = "Linux")]
    public void Freed_native_memory_goes_back_to_the_system_when_trimmed()
    {
        const int blocks = 2000, size = 16 * 1024; // 32 MB in blocks malloc keeps in its arena (not mmap'd one by one)
        var before = 0L;
        var after = 0L;
        var trimmed = false;
        var thread = new Thread(() =>
        {
            var ones = new byte[size];
            Array.Fill(ones, (byte)1);
            var allocated = new nint[blocks];
            for (var i = 0; i < blocks; i++)
            {
                allocated[i] = Marshal.AllocHGlobal(size); // malloc
                Marshal.Copy(ones, 0, allocated[i], size); // resident
            }

            // The last block, taken from the arena's top, stays allocated above the others: freeing them then leaves a
            // hole in the middle of the arena, which only a trim gives back (a free at the top shrinks the arena itself).
            foreach (var block in allocated[..^1])
            {
                Marshal.FreeHGlobal(block);
            }

            before = ResidentAnonymousKilobytes();
            trimmed = NativeHeapTrimming.Trim();
            after = ResidentAnonymousKilobytes();
            Marshal.FreeHGlobal(allocated[^1]);
        });
        thread.Start();
        thread.Join();

        Assert.That(trimmed, Is.True, "glibc's malloc_trim was called");
        Assert.That(before - after, Is.GreaterThan(16 * 1024), $"resident anonymous memory fell from {before} kB to {after} kB");
    }

    private static long ResidentAnonymousKilobytes() =>
        long.Parse(
            File.ReadLines("/proc/self/status").Single(line => line.StartsWith("RssAnon:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
            System.Globalization.CultureInfo.InvariantCulture);
}
