"""What happens in and after the meeting: attendance, votes, disqualification, deferral, the
co-signer, approval of the minutes, corrections and the case history.
"""
