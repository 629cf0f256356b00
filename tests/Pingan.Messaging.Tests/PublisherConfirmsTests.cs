namespace Pingan.Messaging.Tests;

/// <summary>
/// Issue 20: the outbox publisher tracks the broker's confirms itself, by delivery tag. The broker confirms in any
/// grouping, so each test settles tags the way a broker may and checks every publish gets its own outcome.
/// </summary>
public class PublisherConfirmsTests
{
    private static (PublisherConfirms, TaskCompletionSource<Exception?>[]) Outstanding(ulong first, int count)
    {
        var confirms = new PublisherConfirms();
        var pending = new TaskCompletionSource<Exception?>[count];
        for (var i = 0; i < count; i++)
        {
            pending[i] = new TaskCompletionSource<Exception?>();
            confirms.Expect(first + (ulong)i, pending[i]);
        }
        return (confirms, pending);
    }

    [Fact]
    public void A_multiple_ack_confirms_every_tag_up_to_it_and_no_further()
    {
        var (confirms, pending) = Outstanding(1, 5);
        confirms.Settle(3, multiple: true, null);
        Assert.All(pending[..3], p => Assert.True(p.Task is { IsCompletedSuccessfully: true, Result: null }));
        Assert.All(pending[3..], p => Assert.False(p.Task.IsCompleted));
        confirms.Settle(5, multiple: true, null);
        Assert.All(pending, p => Assert.True(p.Task.IsCompleted));
    }

    [Fact]
    public async Task Single_acks_in_any_order_then_a_multiple_one_settle_each_tag_once()
    {
        var (confirms, pending) = Outstanding(101, 4);
        confirms.Settle(102, multiple: false, null);
        confirms.Settle(101, multiple: false, null);
        Assert.True(pending[0].Task.IsCompleted && pending[1].Task.IsCompleted);
        Assert.False(pending[2].Task.IsCompleted);
        var refused = new InvalidOperationException("nack");
        confirms.Settle(104, multiple: true, refused);
        Assert.Same(refused, await pending[2].Task);
        Assert.Same(refused, await pending[3].Task);
        Assert.Null(await pending[0].Task); // an earlier ack is not overwritten by the later nack
    }

    [Fact]
    public void A_returned_message_is_told_once_to_its_own_batch()
    {
        var confirms = new PublisherConfirms();
        confirms.Returned("m-1");
        Assert.False(confirms.TakeReturned("m-2"));
        Assert.True(confirms.TakeReturned("m-1"));
        Assert.False(confirms.TakeReturned("m-1"));
    }

    [Fact]
    public async Task A_closed_channel_fails_what_is_outstanding_and_a_new_channel_starts_its_tags_again()
    {
        var (confirms, pending) = Outstanding(7, 3);
        confirms.Settle(7, multiple: false, null);
        var lost = new ConfirmsLostException("connection reset");
        confirms.FailAll(lost);
        Assert.Null(await pending[0].Task);
        Assert.Same(lost, await pending[1].Task);
        Assert.Same(lost, await pending[2].Task);

        confirms.Reset();
        var again = new TaskCompletionSource<Exception?>();
        confirms.Expect(1, again);
        confirms.Settle(1, multiple: true, null);
        Assert.True(again.Task.IsCompletedSuccessfully);
    }
}
